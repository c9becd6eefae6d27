import { randomUUID } from "node:crypto";
import type { Signer } from "@frx/spec";
import { SignJWT } from "jose";

/** The JWS `typ` of an agency API token (spec/signing.md). @example decodeProtectedHeader(token).typ === AGENCY_TOKEN_TYP */
export const AGENCY_TOKEN_TYP = "frx-agency+jwt";

export interface TokenClaims {
  /** The agency's participant id. */
  issuer: string;
  /** The node id. */
  audience: string;
  now: Date;
  /** Seconds; the spec allows at most 300. */
  lifetimeSeconds: number;
}

/**
 * Mints a one-call agency token: Ed25519, `kid` = the key's thumbprint, a fresh random `jti`
 * every time (the node refuses a replayed one), `exp − iat` = the lifetime.
 *
 * @example const token = await mintAgencyToken(createSigner(privateJwk), { issuer: "TH:DOE", audience: "TH", now: new Date(), lifetimeSeconds: 60 })
 */
export async function mintAgencyToken(signer: Signer, claims: TokenClaims): Promise<string> {
  if (!(claims.lifetimeSeconds >= 1 && claims.lifetimeSeconds <= 300))
    throw new TypeError("an agency token lives between 1 and 300 seconds");
  const iat = Math.floor(claims.now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: AGENCY_TOKEN_TYP, kid: signer.kid })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(signer.privateKey);
}
