import { randomUUID } from "node:crypto";
import { createSigner, type PrivateJwk } from "@frx/spec";
import { SignJWT } from "jose";

/** What a test may bend in an agency token, one rule at a time. */
export interface TokenOptions {
  iss?: string;
  aud?: string;
  /** Seconds since the epoch. */
  iat?: number;
  exp?: number;
  jti?: string;
  typ?: string;
  /** Sign with this key instead of the agency's. */
  key?: PrivateJwk;
}

/**
 * An agency API token: typ frx-agency+jwt, alg Ed25519, kid the key's thumbprint, claims
 * iss, aud (the node id), iat, exp two minutes later and a fresh jti.
 *
 * @example await agencyToken(liKey, { iss: "TH:CONF-LI", aud: "TH" })
 */
export async function agencyToken(
  key: PrivateJwk,
  claims: { iss: string; aud: string },
  o: TokenOptions = {},
): Promise<string> {
  const signer = createSigner(o.key ?? key);
  const now = Math.floor(Date.now() / 1000);
  const iat = o.iat ?? now;
  return new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: o.typ ?? "frx-agency+jwt", kid: signer.kid })
    .setIssuer(o.iss ?? claims.iss)
    .setAudience(o.aud ?? claims.aud)
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + 120)
    .setJti(o.jti ?? randomUUID())
    .sign(signer.privateKey);
}
