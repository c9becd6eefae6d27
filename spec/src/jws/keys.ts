import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";

/** A public Ed25519 key as a JWK (RFC 8037). */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid?: string;
}

/** A private Ed25519 key as a JWK; `d` is the secret. */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

/** What signs: the private key and its `kid` (the RFC 7638 thumbprint of its public half). */
export interface Signer {
  kid: string;
  privateKey: KeyObject;
}

/**
 * Generates an Ed25519 key pair for an agency or a node.
 * @example const { privateJwk, publicJwk } = generateSigningKey(); registerAgency(publicJwk)
 */
export function generateSigningKey(): { privateJwk: PrivateJwk; publicJwk: PublicJwk } {
  const { privateKey } = generateKeyPairSync("ed25519");
  const privateJwk = privateKey.export({ format: "jwk" }) as unknown as PrivateJwk;
  const kid = thumbprint(privateJwk);
  return {
    privateJwk: { kty: "OKP", crv: "Ed25519", x: privateJwk.x, d: privateJwk.d, kid },
    publicJwk: { kty: "OKP", crv: "Ed25519", x: privateJwk.x, kid },
  };
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an OKP key: the `kid` FRX uses everywhere.
 * @example thumbprint({ kty: "OKP", crv: "Ed25519", x: "11qYAY…" }) // "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
 */
export function thumbprint(jwk: { kty: string; crv: string; x: string }): string {
  // The required members in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)}}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

/** Public keys imported lately, by `x`: a node verifies many receipts and envelopes per key. */
const imported = new Map<string, KeyObject>();
const IMPORTED_MAX = 1024;

/**
 * The key object of a public Ed25519 JWK. Importing costs about as much as one verification,
 * so the last 1,024 keys imported are kept (a key object is immutable, and `x` is the whole key).
 *
 * @example const key = importPublicKey(directoryEntry.keys[0])
 */
export function importPublicKey(jwk: { kty: string; crv: string; x: string }): KeyObject {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519")
    throw new TypeError("only Ed25519 OKP keys are used in FRX");
  const known = imported.get(jwk.x);
  if (known) return known;
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  if (imported.size >= IMPORTED_MAX) imported.delete(imported.keys().next().value!);
  imported.set(jwk.x, key);
  return key;
}

/** @example const signer = createSigner(privateJwk) */
export function createSigner(jwk: PrivateJwk): Signer {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string") {
    throw new TypeError("createSigner needs a private Ed25519 OKP JWK");
  }
  const privateKey = createPrivateKey({
    key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d },
    format: "jwk",
  });
  return { kid: thumbprint(jwk), privateKey };
}

/** The public half of a private JWK, with its `kid`. @example publicJwkOf(privateJwk) */
export function publicJwkOf(jwk: PrivateJwk): PublicJwk {
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: thumbprint(jwk) };
}
