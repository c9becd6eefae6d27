import { FrxError, publicJwkOf, type Types, type VerifiedTrustList } from "@frx/spec";
import { nodePublicKeys, type NodeKeys } from "../config/keys.js";

/**
 * What is wrong with this node's own entry in a trust list: a signing key it does not hold
 * (a proposer's key, to impersonate it; a key held for a rotation counts), its current
 * signing key missing, or an encryption
 * key other than its own (peers would seal its traffic to someone else). Empty when the
 * entry is this node, or when the list does not list it at all.
 *
 * @example ownEntryProblems(list, "LA", keys) // ["encryption key … is not LA's …"]
 */
export function ownEntryProblems(list: Types.TrustList, self: string, keys: NodeKeys): string[] {
  const entry = list.members.find((m) => m.node === self);
  if (!entry) return [];
  const mine = nodePublicKeys(keys);
  const held = new Set([
    mine.signing.x,
    ...(keys.retired ?? []).map((k) => k.x),
    ...(keys.next ? [publicJwkOf(keys.next).x] : []),
  ]);
  const problems: string[] = [];
  for (const k of entry.signingKeys)
    if (!held.has(k.jwk.x)) problems.push(`signing key ${k.jwk.kid} is not one of ${self}'s keys`);
  if (!entry.signingKeys.some((k) => k.jwk.x === mine.signing.x))
    problems.push(`${self}'s current signing key ${mine.signing.kid} is missing`);
  if (entry.encryptionKey.x !== mine.encryption.x)
    problems.push(
      `encryption key ${entry.encryptionKey.kid} is not ${self}'s (its peers would seal its traffic to another key)`,
    );
  return problems;
}

/** Throws `trust.own-entry-mismatch` when the list's entry for this node is not this node (FRX-TRUST-101). */
export function assertOwnEntry(trust: VerifiedTrustList, self: string, keys: NodeKeys): void {
  const problems = ownEntryProblems(trust.list, self, keys);
  if (problems.length > 0)
    throw new FrxError(
      "trust.own-entry-mismatch",
      `trust list version ${trust.list.version} does not give ${self} its own keys: ${problems.join("; ")}`,
    );
}
