import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { isCanonicalBase64url } from "../jws/compact.js";

/**
 * JWE compact serialization with `alg` ECDH-ES (direct key agreement, X25519) and `enc` A256GCM
 * (RFC 7516, RFC 7518 §4.6 and §5.3, RFC 8037): the only kind FRX transactions use. Written on
 * node:crypto because a general JOSE library encodes and decodes base64url through strings of
 * binary characters, which for a transaction of 50 envelopes cost more than the cipher itself.
 * What it makes and what it opens is interchangeable with any conforming implementation (the
 * tests check both directions against jose).
 */

const ALG = "ECDH-ES";
const ENC = "A256GCM";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `plaintext` to the X25519 public key `x`: `header`'s members, then `alg`, `enc` and a
 * fresh ephemeral key's public half as `epk` in the protected header; a 96-bit random IV.
 *
 * @example const jwe = encryptEcdhEs(bytes, { typ: "frx-transaction+jwe", iss: "TH" }, peer.x)
 */
export function encryptEcdhEs(
  plaintext: Uint8Array,
  header: Record<string, unknown>,
  x: string,
): string {
  return encryptWithHeader(plaintext, (epk) => ({ ...header, alg: ALG, enc: ENC, epk }), x);
}

/**
 * The same with a protected header `build` makes around the `epk`: for tests that need a
 * well-encrypted JWE with a header FRX never writes.
 */
export function encryptWithHeader(
  plaintext: Uint8Array,
  build: (epk: { x: string; crv: "X25519"; kty: "OKP" }) => Record<string, unknown>,
  x: string,
): string {
  const recipient = createPublicKey({ key: { kty: "OKP", crv: "X25519", x }, format: "jwk" });
  const ephemeral = generateKeyPairSync("x25519");
  const epk = ephemeral.publicKey.export({ format: "jwk" });
  const protectedHeader = b64(
    Buffer.from(JSON.stringify(build({ x: epk.x!, crv: "X25519", kty: "OKP" }))),
  );
  const cek = contentKey(ephemeral.privateKey, recipient);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", cek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(protectedHeader, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${protectedHeader}..${b64(iv)}.${b64(ciphertext)}.${b64(cipher.getAuthTag())}`;
}

/**
 * Decrypts a compact JWE made with ECDH-ES (X25519) and A256GCM with the private key; throws on
 * anything else: a part that is not canonical base64url, another algorithm or encryption, a
 * `zip` or `crit` member, an encrypted key, an `epk` that is not an X25519 public key, an IV or
 * tag of the wrong size, or a ciphertext that does not authenticate. The caller maps every failure to one refusal.
 *
 * @example const { plaintext, header } = decryptEcdhEs(jwe, ownX25519PrivateKey)
 */
export function decryptEcdhEs(
  jwe: string,
  privateKey: KeyObject,
): { plaintext: Buffer; header: Record<string, unknown> } {
  const parts = jwe.split(".");
  if (parts.length !== 5) throw new Error("a compact JWE has five parts");
  const [protectedHeader, encryptedKey, ivPart, ciphertextPart, tagPart] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  // Node's decoder skips what is not base64url; a strict one refuses it (canonical encodings).
  if (!parts.every(isCanonicalBase64url)) throw new Error("a part is not canonical base64url");
  const header = JSON.parse(Buffer.from(protectedHeader, "base64url").toString("utf8")) as unknown;
  if (!header || typeof header !== "object" || Array.isArray(header))
    throw new Error("the protected header is not a JSON object");
  const h = header as Record<string, unknown>;
  if (h.alg !== ALG || h.enc !== ENC) throw new Error(`only ${ALG} with ${ENC} is accepted`);
  if ("zip" in h || "crit" in h) throw new Error("zip and crit are not accepted");
  if (encryptedKey !== "") throw new Error("ECDH-ES carries no encrypted key");
  const epk = h.epk as Record<string, unknown> | undefined;
  if (
    !epk ||
    typeof epk !== "object" ||
    epk.kty !== "OKP" ||
    epk.crv !== "X25519" ||
    typeof epk.x !== "string" ||
    !isCanonicalBase64url(epk.x) ||
    "d" in epk
  )
    throw new Error("epk is not an X25519 public key");
  const iv = Buffer.from(ivPart, "base64url");
  const tag = Buffer.from(tagPart, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new Error("the IV or the tag has the wrong size");
  const sender = createPublicKey({
    key: { kty: "OKP", crv: "X25519", x: epk.x },
    format: "jwk",
  });
  const decipher = createDecipheriv("aes-256-gcm", contentKey(privateKey, sender), iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(protectedHeader, "ascii"));
  decipher.setAuthTag(tag);
  const plaintext = Buffer.concat([
    decipher.update(Buffer.from(ciphertextPart, "base64url")),
    decipher.final(),
  ]);
  return { plaintext, header: h };
}

/**
 * The content key of direct ECDH-ES: the Concat KDF (NIST SP 800-56A, RFC 7518 §4.6.2) over the
 * shared secret with SHA-256, AlgorithmID the `enc` value, empty PartyUInfo and PartyVInfo, and
 * SuppPubInfo the key length in bits; one round gives the 256 bits A256GCM needs.
 */
function contentKey(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const z = diffieHellman({ privateKey, publicKey });
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(ENC, "ascii")),
    lengthPrefixed(Buffer.alloc(0)),
    lengthPrefixed(Buffer.alloc(0)),
    uint32(256),
  ]);
  return createHash("sha256").update(uint32(1)).update(z).update(otherInfo).digest();
}

function lengthPrefixed(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data]);
}

function uint32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(n);
  return buf;
}

function b64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64url");
}
