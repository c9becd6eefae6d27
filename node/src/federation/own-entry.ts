import {
  assertOwnEntry as assertSpecOwnEntry,
  ownEntryProblems as specOwnEntryProblems,
  publicJwkOf,
  type NodeIdentity,
  type Types,
  type VerifiedTrustList,
} from "@frx/spec";
import { nodePublicKeys, type NodeKeys } from "../config/keys.js";

/** This node's identity as FRX-TRUST-029 checks it: every key it holds (a key held for a rotation counts). */
export function identityOf(node: string, keys: NodeKeys): NodeIdentity {
  const mine = nodePublicKeys(keys);
  return {
    node,
    signingKey: mine.signing.x,
    otherSigningKeys: [
      ...(keys.retired ?? []).map((k) => k.x),
      ...(keys.next ? [publicJwkOf(keys.next).x] : []),
    ],
    encryptionKey: mine.encryption.x,
  };
}

/**
 * What is wrong with this node's own entry in a trust list (empty when nothing is).
 *
 * @example ownEntryProblems(list, "LA", keys) // ["encryption key … is not LA's …"]
 */
export function ownEntryProblems(list: Types.TrustList, self: string, keys: NodeKeys): string[] {
  return specOwnEntryProblems(list, identityOf(self, keys));
}

/** Throws `trust.own-entry-mismatch` when the list's entry for this node is not this node (FRX-TRUST-029). */
export function assertOwnEntry(trust: VerifiedTrustList, self: string, keys: NodeKeys): void {
  assertSpecOwnEntry(trust.list, identityOf(self, keys));
}
