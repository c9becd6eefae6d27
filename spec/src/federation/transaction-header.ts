import { FrxError } from "../errors.js";
import type { TrustList, TrustListMember } from "../generated/types.js";
import { isCanonicalBase64url } from "../jws/compact.js";

export const TRANSACTION_JWE_TYP = "frx-transaction+jwe";

/** The protected header of a transaction JWE, as FRX-FED-011 writes it. */
export interface TransactionHeader {
  alg: "ECDH-ES";
  enc: "A256GCM";
  typ: typeof TRANSACTION_JWE_TYP;
  /** The origin node: unauthenticated until the signature inside verifies (FRX-FED-066). */
  iss: string;
}

/** A protected header larger than this is not one FRX writes; reading stops there. */
export const MAX_TRANSACTION_HEADER_CHARS = 1024;

/**
 * Reads a transaction JWE's first part, the protected header, alone: step 4a of the transaction
 * checks, which a node runs before it reads the rest of the body (FRX-FED-065). Refuses with
 * `federation.undecryptable` a part that is not canonical base64url JSON with `alg` ECDH-ES,
 * `enc` A256GCM, `typ` frx-transaction+jwe and no `zip`, and with `trust.member-unknown` one
 * that names no sender in `iss`.
 *
 * @example const { iss } = readTransactionHeader(jwe.slice(0, jwe.indexOf(".")))
 */
export function readTransactionHeader(part: string): TransactionHeader {
  let header: unknown;
  try {
    if (part.length > MAX_TRANSACTION_HEADER_CHARS || !part || !isCanonicalBase64url(part))
      throw new Error("not canonical base64url");
    header = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new FrxError("federation.undecryptable", "the JWE protected header is not JSON");
  }
  const h = header as Record<string, unknown> | null;
  if (typeof h !== "object" || h === null || Array.isArray(h))
    throw new FrxError("federation.undecryptable", "the JWE protected header is not an object");
  if (h.alg !== "ECDH-ES" || h.enc !== "A256GCM" || h.typ !== TRANSACTION_JWE_TYP)
    throw new FrxError(
      "federation.undecryptable",
      `the JWE header must have alg ECDH-ES, enc A256GCM and typ ${TRANSACTION_JWE_TYP}`,
    );
  // Compression is refused (FRX-FED-012, FRX-FED-018): it would let a small body expand.
  if ("zip" in h)
    throw new FrxError("federation.undecryptable", "the JWE header must not carry zip");
  if (typeof h.iss !== "string" || h.iss.length === 0)
    throw new FrxError(
      "trust.member-unknown",
      "the JWE header names no sending node in iss (FRX-FED-065)",
    );
  return h as unknown as TransactionHeader;
}

/**
 * The member a transaction header claims as its sender, before anything else of the body is
 * read: steps 4b and 4c. Refuses a node the list does not hold, or this node itself, with
 * `trust.member-unknown`, and a suspended member with `trust.member-suspended`.
 *
 * @example const member = claimedSender(trust.list, header.iss, "LA")
 */
export function claimedSender(list: TrustList, iss: string, self: string): TrustListMember {
  const member = list.members.find((m) => m.node === iss);
  if (!member || iss === self)
    throw new FrxError(
      "trust.member-unknown",
      `${iss.slice(0, 40)} is not a peer in trust list version ${list.version}`,
    );
  if (member.status !== "active")
    throw new FrxError(
      "trust.member-suspended",
      `${iss} is suspended in trust list version ${list.version}`,
    );
  return member;
}
