import { FrxError } from "../errors.js";
import type { TrustList } from "../generated/types.js";

/** What a node knows of its own keys: the public halves it holds the private keys of. */
export interface NodeIdentity {
  node: string;
  /** `x` of the Ed25519 key it signs with now. */
  signingKey: string;
  /** `x` of every other Ed25519 key it holds: retired ones, and one held for a rotation. */
  otherSigningKeys: readonly string[];
  /** `x` of its X25519 encryption key. */
  encryptionKey: string;
}

/**
 * What is wrong with a node's own entry in a trust list: a signing key it does not hold (a
 * proposer's, to sign as it), its current signing key missing, or an encryption key other
 * than its own (its peers would seal its traffic to someone else). Empty when the entry is
 * the node, or the list does not list it.
 *
 * @example ownEntryProblems(list, { node: "LA", signingKey, otherSigningKeys: [], encryptionKey })
 */
export function ownEntryProblems(list: TrustList, self: NodeIdentity): string[] {
  const entry = list.members.find((m) => m.node === self.node);
  if (!entry) return [];
  const held = new Set([self.signingKey, ...self.otherSigningKeys]);
  const problems: string[] = [];
  for (const k of entry.signingKeys)
    if (!held.has(k.jwk.x))
      problems.push(`signing key ${k.jwk.kid} is not one of ${self.node}'s keys`);
  if (!entry.signingKeys.some((k) => k.jwk.x === self.signingKey))
    problems.push(`${self.node}'s current signing key is missing`);
  if (entry.encryptionKey.x !== self.encryptionKey)
    problems.push(
      `encryption key ${entry.encryptionKey.kid} is not ${self.node}'s (its peers would seal its traffic to another key)`,
    );
  return problems;
}

/**
 * Throws `trust.own-entry-mismatch` when the list's entry for the node is not the node
 * (FRX-TRUST-029).
 *
 * @example assertOwnEntry(verified.list, identity)
 */
export function assertOwnEntry(list: TrustList, self: NodeIdentity): void {
  const problems = ownEntryProblems(list, self);
  if (problems.length > 0)
    throw new FrxError(
      "trust.own-entry-mismatch",
      `trust list version ${list.version} does not give ${self.node} its own keys: ${problems.join("; ")}`,
    );
}
