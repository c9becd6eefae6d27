import { createHash, verify } from "node:crypto";
import {
  createSigner,
  importPublicKey,
  signCompact,
  type PrivateJwk,
  type PublicJwk,
} from "@frx/spec";

export const REPORT_TYP = "frx-report+jws";

/**
 * A detached JWS (RFC 7515 Appendix F) over the exact bytes of report.json: the compact
 * serialization with the payload part left empty. Signed with the kit's report key.
 *
 * @example const jws = signReport(bytes, kit.secrets.report) // "eyJ…..sig"
 */
export function signReport(bytes: Uint8Array, key: PrivateJwk): string {
  const [header, , signature] = signCompact(bytes, REPORT_TYP, createSigner(key)).split(".");
  return `${header}..${signature}`;
}

/** Verifies a detached report signature against the report bytes and the harness's public key. */
export function verifyReport(bytes: Uint8Array, jws: string, key: PublicJwk): boolean {
  const [header, payload, signature] = jws.split(".");
  if (!header || payload !== "" || !signature) return false;
  const h = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
  if (h.alg !== "Ed25519" || h.typ !== REPORT_TYP) return false;
  const input = Buffer.from(`${header}.${Buffer.from(bytes).toString("base64url")}`, "ascii");
  return verify(null, input, importPublicKey(key), Buffer.from(signature, "base64url"));
}

/** SHA-256 hex of the report bytes, for citing a report elsewhere. */
export function reportDigest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
