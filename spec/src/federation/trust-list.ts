import { createHash, verify as edVerify, type KeyObject } from "node:crypto";
import { canonicalize } from "../codec/canonical-json.js";
import { FrxError } from "../errors.js";
import type { TrustList, TrustListMember } from "../generated/types.js";
import { parseCompact, signCompact } from "../jws/compact.js";
import { parseCanonicalObject } from "../jws/envelope.js";
import { importPublicKey, type Signer } from "../jws/keys.js";
import { validateDocument } from "../validate/validator.js";
import { instantMs, parseInstant } from "../time/instant.js";

export const TRUST_LIST_TYP = "frx-trust-list+jws";

/** A trust list in JWS JSON general serialization: one payload, one signature per member. */
export interface SignedTrustList {
  payload: string;
  signatures: Array<{ protected: string; signature: string }>;
}

export interface VerifiedTrustList {
  list: TrustList;
  /** SHA-256 (hex) of the canonical payload bytes: what the next version's previousDigest names. */
  digest: string;
  /** Nodes whose signatures counted. */
  signedBy: string[];
  signed: SignedTrustList;
}

/** A trust list ready for signatures. @example const draft = draftTrustList(list) */
export function draftTrustList(list: TrustList): SignedTrustList {
  validateDocument<TrustList>("documents/trust-list.json", list);
  return { payload: Buffer.from(canonicalize(list)).toString("base64url"), signatures: [] };
}

/** Adds one member's signature. @example signed = signTrustList(draft, nodeSigner) */
export function signTrustList(signed: SignedTrustList, signer: Signer): SignedTrustList {
  const compact = signCompact(Buffer.from(signed.payload, "base64url"), TRUST_LIST_TYP, signer);
  const [protectedHeader, , signature] = compact.split(".") as [string, string, string];
  const kidOf = (h: string) =>
    (JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { kid?: unknown }).kid;
  const others = signed.signatures.filter((s) => kidOf(s.protected) !== signer.kid);
  return {
    payload: signed.payload,
    signatures: [...others, { protected: protectedHeader, signature }],
  };
}

/** SHA-256 hex of a trust list's canonical payload. */
export function trustListDigest(signed: SignedTrustList): string {
  return createHash("sha256").update(Buffer.from(signed.payload, "base64url")).digest("hex");
}

/**
 * Verifies a trust list version. The genesis list (no `previous`) must hash to the digest
 * pinned in the node's configuration and be signed by every one of its members; any later
 * version must follow `previous` (version + 1, previousDigest) and be signed by at least
 * `previous.quorum` distinct active members of the previous version, with keys valid at the
 * new list's issuedAt. Expiry is judged by the caller (see assertInForce).
 *
 * @example const v2 = verifyTrustList(signedV2, { previous: v1 })
 */
export function verifyTrustList(
  signed: SignedTrustList,
  options: {
    previous?: VerifiedTrustList;
    pinnedDigest?: string;
    now?: Date;
    skewSeconds?: number;
  },
): VerifiedTrustList {
  if (
    typeof signed?.payload !== "string" ||
    !Array.isArray(signed.signatures) ||
    !signed.signatures.every(isSignatureEntry)
  ) {
    throw new FrxError(
      "trust.list-invalid",
      "a trust list is {payload, signatures: [{protected, signature}]} (JWS general JSON serialization, FRX-TRUST-001)",
    );
  }
  let list: TrustList;
  try {
    list = validateDocument<TrustList>(
      "documents/trust-list.json",
      parseCanonicalObject(Buffer.from(signed.payload, "base64url")),
    );
  } catch (error) {
    throw new FrxError(
      "trust.list-invalid",
      `the trust list payload is not a valid trust list: ${(error as Error).message}`,
    );
  }
  const digest = trustListDigest(signed);
  const { previous } = options;
  if (previous) {
    if (list.version !== previous.list.version + 1)
      throw new FrxError(
        "trust.list-invalid",
        `version ${list.version} does not follow ${previous.list.version}`,
      );
    if (list.previousDigest !== previous.digest)
      throw new FrxError("trust.list-invalid", "previousDigest does not name the list in force");
  } else {
    // A node joining after the genesis pins the version it joins at (FRX-TRUST-030).
    if ((list.version === 1) !== (list.previousDigest === undefined))
      throw new FrxError(
        "trust.list-invalid",
        "a genesis list is version 1 and names no previous digest; a later version names one",
      );
    if (!options.pinnedDigest || digest !== options.pinnedDigest)
      throw new FrxError(
        "trust.quorum-not-met",
        `trust list version ${list.version} does not match the digest pinned in configuration`,
      );
  }
  const issuedAt = parseInstant(list.issuedAt, "/issuedAt");
  if (parseInstant(list.expiresAt, "/expiresAt") <= issuedAt)
    throw new FrxError("trust.list-invalid", "expiresAt is not after issuedAt");
  const skewMs = (options.skewSeconds ?? 300) * 1000;
  if (previous && issuedAt < parseInstant(previous.list.issuedAt, "/issuedAt")) {
    throw new FrxError(
      "trust.list-invalid",
      "issuedAt is earlier than the list in force's: a backdated version could use retired keys",
    );
  }
  if (options.now && issuedAt > options.now.getTime() + skewMs) {
    throw new FrxError("trust.list-invalid", `issuedAt ${list.issuedAt} is in the future`);
  }
  const active = list.members.filter((m) => m.status === "active").length;
  if (list.quorum > active) {
    throw new FrxError(
      "trust.list-invalid",
      `quorum ${list.quorum} exceeds the ${active} active member(s): the federation could never change again`,
    );
  }
  const members = (previous?.list ?? list).members;
  const signedBy = new Set<string>();
  for (const s of signed.signatures) {
    // The same header checks as for any FRX JWS: alg, typ, kid, and nothing that picks its own key.
    const parsed = parseCompact(`${s.protected}.${signed.payload}.${s.signature}`, TRUST_LIST_TYP);
    const found = findKey(members, parsed.header.kid, list.issuedAt);
    if (!found)
      throw new FrxError(
        "trust.member-unknown",
        `signature by key ${parsed.header.kid}, which no member held at ${list.issuedAt}`,
      );
    if (found.member.status !== "active")
      throw new FrxError(
        "trust.member-suspended",
        `${found.member.node} is suspended and cannot sign a new version`,
      );
    if (!edVerify(null, parsed.signingInput, found.key, parsed.signature)) {
      throw new FrxError(
        "jws.signature-invalid",
        `${found.member.node}'s signature on trust list version ${list.version} does not verify`,
      );
    }
    signedBy.add(found.member.node);
  }
  // The genesis needs every active member; a pinned later version its own quorum (FRX-TRUST-030).
  const needed = previous
    ? previous.list.quorum
    : list.version === 1
      ? members.filter((m) => m.status === "active").length
      : list.quorum;
  if (signedBy.size < needed) {
    throw new FrxError(
      "trust.quorum-not-met",
      `version ${list.version} has ${signedBy.size} member signature(s); ${needed} needed`,
    );
  }
  return { list, digest, signedBy: [...signedBy].sort(), signed };
}

/**
 * Throws `trust.list-expired` once `now` reaches the list's expiresAt. No clock skew is
 * allowed here: the node judges its own list by its own clock, and fails closed on time.
 */
export function assertInForce(trust: VerifiedTrustList, now: Date): void {
  if (parseInstant(trust.list.expiresAt, "/expiresAt") <= now.getTime()) {
    throw new FrxError(
      "trust.list-expired",
      `trust list version ${trust.list.version} expired at ${trust.list.expiresAt}`,
    );
  }
}

/** The member and key behind a kid, if that key was valid at `at`. */
export function findKey(
  members: readonly TrustListMember[],
  kid: string,
  at: string,
): { member: TrustListMember; key: KeyObject } | undefined {
  // A time that is not an instant finds no key: no window check is ever made against NaN.
  const t = instantMs(at);
  if (t === undefined) return undefined;
  for (const member of members) {
    for (const k of member.signingKeys) {
      if (k.jwk.kid !== kid) continue;
      const notBefore = instantMs(k.notBefore);
      const notAfter = k.notAfter === undefined ? Infinity : instantMs(k.notAfter);
      if (notBefore === undefined || notAfter === undefined) continue;
      if (notBefore > t || notAfter < t) continue;
      return { member, key: importPublicKey(k.jwk) };
    }
  }
  return undefined;
}

/** The member a kid belongs to at any time, to tell "unknown" from "suspended" and "retired". */
export function memberOfKid(list: TrustList, kid: string): TrustListMember | undefined {
  return list.members.find((m) => m.signingKeys.some((k) => k.jwk.kid === kid));
}

/** One entry of `signatures`: exactly `protected` and `signature`, both strings (FRX-TRUST-001). */
function isSignatureEntry(entry: unknown): boolean {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return false;
  const keys = Object.keys(entry);
  const e = entry as Record<string, unknown>;
  return keys.length === 2 && typeof e.protected === "string" && typeof e.signature === "string";
}
