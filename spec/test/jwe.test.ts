import { generateKeyPairSync, randomBytes } from "node:crypto";
import { CompactEncrypt, compactDecrypt } from "jose";
import { describe, expect, it } from "vitest";
import { decryptEcdhEs, encryptEcdhEs, encryptWithHeader } from "../src/federation/jwe.js";

/** An X25519 key pair: the public `x` and the private key object. */
function x25519() {
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  const { x } = publicKey.export({ format: "jwk" }) as { x: string };
  return { x, privateKey, publicKey };
}

const header = { typ: "frx-transaction+jwe", cty: "JWT", iss: "TH" };
// Larger than one AES block and not a multiple of one; binary, so nothing relies on text.
const plaintext = randomBytes(70_001);

const fails = (f: () => unknown) => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

describe("ECDH-ES (X25519) with A256GCM, compact", () => {
  it("what it encrypts, jose decrypts, with the header's members and an epk", async () => {
    const to = x25519();
    const jwe = encryptEcdhEs(plaintext, header, to.x);
    const opened = await compactDecrypt(jwe, to.privateKey);
    expect(Buffer.from(opened.plaintext).equals(plaintext)).toBe(true);
    expect(opened.protectedHeader).toMatchObject({ alg: "ECDH-ES", enc: "A256GCM", ...header });
    expect(opened.protectedHeader.epk).toMatchObject({ kty: "OKP", crv: "X25519" });
    expect(jwe.split(".")[1]).toBe("");
  });

  it("what jose encrypts, it decrypts", async () => {
    const to = x25519();
    const jwe = await new CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", ...header })
      .encrypt(to.publicKey);
    const opened = decryptEcdhEs(jwe, to.privateKey);
    expect(opened.plaintext.equals(plaintext)).toBe(true);
    expect(opened.header).toMatchObject(header);
  });

  it("uses a fresh ephemeral key and IV each time", () => {
    const to = x25519();
    const [a, b] = [encryptEcdhEs(plaintext, header, to.x), encryptEcdhEs(plaintext, header, to.x)];
    expect(a.split(".")[0]).not.toBe(b.split(".")[0]);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
  });

  it("refuses another recipient's key, and any part changed", () => {
    const to = x25519();
    const jwe = encryptEcdhEs(plaintext, header, to.x);
    expect(fails(() => decryptEcdhEs(jwe, x25519().privateKey))).toBe(true);
    const parts = jwe.split(".");
    for (const i of [0, 2, 3, 4]) {
      const bent = [...parts];
      const bytes = Buffer.from(bent[i]!, "base64url");
      bytes[bytes.length >> 1] ^= 1;
      bent[i] = bytes.toString("base64url");
      expect(
        fails(() => decryptEcdhEs(bent.join("."), to.privateKey)),
        `part ${i}`,
      ).toBe(true);
    }
    expect(fails(() => decryptEcdhEs(parts.slice(0, 4).join("."), to.privateKey))).toBe(true);
  });

  it("refuses a part that is not canonical base64url, as a strict decoder does", () => {
    const to = x25519();
    const parts = encryptEcdhEs(plaintext, header, to.x).split(".");
    // Node's base64url decoder skips characters outside the alphabet and padding, so each of
    // these would otherwise open to the same plaintext under a different string.
    for (const i of [0, 2, 3, 4])
      for (const junk of ["=", "+", "/", " ", "!"]) {
        const bent = [...parts];
        bent[i] = `${bent[i]!.slice(0, 4)}${junk}${bent[i]!.slice(4)}`;
        expect(
          fails(() => decryptEcdhEs(bent.join("."), to.privateKey)),
          `part ${i} with ${JSON.stringify(junk)}`,
        ).toBe(true);
      }
    // The tag's 16 bytes take 22 characters, whose last 4 bits are unused (RFC 4648 §3.5):
    // flipping the lowest one changes the string, not the bytes a lenient decoder gives.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const tag = parts[4]!;
    const loose = [...parts];
    loose[4] = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1]!;
    expect(Buffer.from(loose[4], "base64url").equals(Buffer.from(tag, "base64url"))).toBe(true);
    expect(fails(() => decryptEcdhEs(loose.join("."), to.privateKey))).toBe(true);
  });

  it("refuses other algorithms, zip, crit, an encrypted key and an epk that is not X25519", () => {
    const to = x25519();
    type Epk = { x: string; crv: "X25519"; kty: "OKP" };
    // Each variant is well encrypted under its own header: only the check can refuse it.
    const variants: Array<[string, (epk: Epk) => Record<string, unknown>]> = [
      ["alg", (epk) => ({ alg: "ECDH-ES+A256KW", enc: "A256GCM", epk })],
      ["enc", (epk) => ({ alg: "ECDH-ES", enc: "A128GCM", epk })],
      ["zip", (epk) => ({ alg: "ECDH-ES", enc: "A256GCM", zip: "DEF", epk })],
      ["crit", (epk) => ({ alg: "ECDH-ES", enc: "A256GCM", crit: ["exp"], exp: 1, epk })],
      ["epk crv", (epk) => ({ alg: "ECDH-ES", enc: "A256GCM", epk: { ...epk, crv: "Ed25519" } })],
      ["epk private", (epk) => ({ alg: "ECDH-ES", enc: "A256GCM", epk: { ...epk, d: "AAAA" } })],
      ["not an object", () => [] as unknown as Record<string, unknown>],
    ];
    for (const [name, build] of variants)
      expect(
        fails(() => decryptEcdhEs(encryptWithHeader(plaintext, build, to.x), to.privateKey)),
        name,
      ).toBe(true);
    const plain = (epk: Epk) => ({ alg: "ECDH-ES", enc: "A256GCM", epk });
    const parts = encryptWithHeader(plaintext, plain, to.x).split(".");
    expect(decryptEcdhEs(parts.join("."), to.privateKey).plaintext.equals(plaintext)).toBe(true);
    // The encrypted key is not authenticated: only the check refuses one.
    parts[1] = "AAAA";
    expect(fails(() => decryptEcdhEs(parts.join("."), to.privateKey))).toBe(true);
  });
});
