import { createHash, verify as edVerify, type KeyObject } from "node:crypto";
import { canonicalize } from "../codec/canonical-json.js";
import { FrxError } from "../errors.js";
import type { TrustList, TrustListMember } from "../generated/types.js";
import { JWS_ALG, signCompact } from "../jws/compact.js";
import { parseCanonicalObject } from "../jws/envelope.js";
import { importPublicKey, type Signer } from "../jws/keys.js";
import { validateDocument } from "../validate/validator.js";

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
  const others = signed.signatures.filter((s) => headerOf(s.protected).kid !== signer.kid);
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
  options: { previous?: VerifiedTrustList; pinnedDigest?: string },
): VerifiedTrustList {
  if (typeof signed?.payload !== "string" || !Array.isArray(signed.signatures)) {
    throw new FrxError(
      "trust.list-invalid",
      "a trust list is {payload, signatures[]} (JWS general JSON serialization)",
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
    if (!options.pinnedDigest || digest !== options.pinnedDigest)
      throw new FrxError(
        "trust.quorum-not-met",
        "the genesis list does not match the digest pinned in configuration",
      );
  }
  const electorate = (previous?.list ?? list).members.filter((m) => m.status === "active");
  const signedBy = new Set<string>();
  for (const s of signed.signatures) {
    const header = headerOf(s.protected);
    if (header.alg !== JWS_ALG)
      throw new FrxError("jws.alg-unsupported", `trust list signature alg must be ${JWS_ALG}`);
    if (header.typ !== TRUST_LIST_TYP)
      throw new FrxError("jws.typ-invalid", `trust list signature typ must be ${TRUST_LIST_TYP}`);
    const found = findKey(electorate, String(header.kid), list.issuedAt);
    if (!found)
      throw new FrxError(
        "trust.member-unknown",
        `signature by key ${String(header.kid)}, which no active member held at ${list.issuedAt}`,
      );
    const ok = edVerify(
      null,
      Buffer.from(`${s.protected}.${signed.payload}`, "ascii"),
      found.key,
      Buffer.from(s.signature, "base64url"),
    );
    if (!ok)
      throw new FrxError(
        "jws.signature-invalid",
        `${found.member.node}'s signature on trust list version ${list.version} does not verify`,
      );
    signedBy.add(found.member.node);
  }
  const needed = previous ? previous.list.quorum : electorate.length;
  if (signedBy.size < needed) {
    throw new FrxError(
      "trust.quorum-not-met",
      `version ${list.version} has ${signedBy.size} member signature(s); ${needed} needed`,
    );
  }
  return { list, digest, signedBy: [...signedBy].sort(), signed };
}

/** Throws `trust.list-expired` when the list in force has expired at `now`. */
export function assertInForce(trust: VerifiedTrustList, now: Date): void {
  if (Date.parse(trust.list.expiresAt) <= now.getTime())
    throw new FrxError(
      "trust.list-expired",
      `trust list version ${trust.list.version} expired at ${trust.list.expiresAt}`,
    );
}

/** The member and key behind a kid, if that key was valid at `at`. */
export function findKey(
  members: readonly TrustListMember[],
  kid: string,
  at: string,
): { member: TrustListMember; key: KeyObject } | undefined {
  const t = Date.parse(at);
  for (const member of members) {
    for (const k of member.signingKeys) {
      if (k.jwk.kid !== kid) continue;
      if (Date.parse(k.notBefore) > t) continue;
      if (k.notAfter !== undefined && Date.parse(k.notAfter) < t) continue;
      return { member, key: importPublicKey(k.jwk) };
    }
  }
  return undefined;
}

/** The member a kid belongs to at any time, to tell "unknown" from "suspended" and "retired". */
export function memberOfKid(list: TrustList, kid: string): TrustListMember | undefined {
  return list.members.find((m) => m.signingKeys.some((k) => k.jwk.kid === kid));
}

function headerOf(protectedHeader: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(protectedHeader, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
  } catch {
    throw new FrxError(
      "jws.header-invalid",
      "a trust list signature's protected header is not JSON",
    );
  }
}
