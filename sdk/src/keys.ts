import { generateSigningKey, publicJwkOf, type PrivateJwk, type PublicJwk } from "@frx/spec";

export { thumbprint } from "@frx/spec";

/**
 * A new Ed25519 key pair for an agency: keep `privateJwk` secret, give `publicJwk` to the node
 * operator to register. Both carry `kid`, the RFC 7638 thumbprint.
 *
 * @example const { privateJwk, publicJwk } = generateAgencyKey()
 */
export function generateAgencyKey(): { privateJwk: PrivateJwk; publicJwk: PublicJwk } {
  return generateSigningKey();
}

/**
 * The public half of an agency's private JWK, exactly what registration needs (no `d`).
 *
 * @example await writeFile("doe-public.jwk", JSON.stringify(publicJwkForRegistration(privateJwk)))
 */
export function publicJwkForRegistration(privateJwk: PrivateJwk): PublicJwk {
  if (privateJwk?.kty !== "OKP" || privateJwk.crv !== "Ed25519" || typeof privateJwk.x !== "string")
    throw new TypeError("an agency key is an Ed25519 OKP JWK");
  return publicJwkOf(privateJwk);
}
