import { createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalize } from "../src/codec/canonical-json.js";
import { isFrxError } from "../src/errors.js";
import { parseCompact } from "../src/jws/compact.js";
import { digestOf, signEnvelope, verifyEnvelope } from "../src/jws/envelope.js";
import { createSigner, generateSigningKey, importPublicKey, thumbprint } from "../src/jws/keys.js";
import { rfc8037 } from "./external-vectors.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { vectorDir } from "./vector-files.js";

const fixture = (type: string) =>
  JSON.parse(
    readFileSync(join(vectorDir, "..", "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as Record<string, unknown>;

describe("RFC 8037 Appendix A", () => {
  const v = rfc8037();

  it("computes the RFC 7638 thumbprint of the A.2 public key (RFC 8037 A.3)", () => {
    expect(thumbprint(v.publicJwk)).toBe("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  });

  it("verifies the A.4 signature with the A.2 public key", () => {
    const [h, p, s] = v.jws.split(".") as [string, string, string];
    expect(
      verify(
        null,
        Buffer.from(`${h}.${p}`),
        importPublicKey(v.publicJwk),
        Buffer.from(s, "base64url"),
      ),
    ).toBe(true);
  });

  it("reproduces the A.4 signature bytes with the A.1 private key (Ed25519 is deterministic)", () => {
    const signer = createSigner({ ...v.privateJwk, kty: "OKP", crv: "Ed25519" });
    const [h, p, s] = v.jws.split(".") as [string, string, string];
    expect(sign(null, Buffer.from(`${h}.${p}`), signer.privateKey).toString("base64url")).toBe(s);
  });

  it("is refused as an FRX envelope: the RFC's alg is EdDSA, FRX requires Ed25519", () => {
    expect(() => parseCompact(v.jws, "frx-envelope+jws")).toThrowError(
      expect.objectContaining({ code: "jws.alg-unsupported" }),
    );
  });
});

describe("envelope signing", () => {
  const { privateJwk, publicJwk } = generateSigningKey();
  const signer = createSigner(privateJwk);
  const envelope = fixture("case.notify");
  const resolveKey = (kid: string) =>
    kid === publicJwk.kid
      ? { key: importPublicKey(publicJwk), owner: String(envelope.from) }
      : undefined;
  const now = new Date(Date.parse(String(envelope.sentAt)) + 1000);

  it("round-trips: the payload is the envelope's canonical JSON and the kid its key's thumbprint", async () => {
    const jws = signEnvelope(envelope, signer);
    const [header, payload] = jws
      .split(".")
      .map((part) => Buffer.from(part, "base64url").toString("utf8")) as [string, string];
    expect(JSON.parse(header)).toEqual({
      alg: "Ed25519",
      kid: thumbprint(publicJwk),
      typ: "frx-envelope+jws",
    });
    expect(payload).toBe(canonicalize(envelope));
    const verified = await verifyEnvelope(jws, { resolveKey, now });
    expect(verified.message).toEqual(envelope);
    expect(verified.digest).toBe(digestOf(jws));
    expect(verified.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("tolerates clock skew up to the configured bound and no further", async () => {
    const jws = signEnvelope(envelope, signer);
    const early = new Date(Date.parse(String(envelope.sentAt)) - 60_000);
    await expect(
      verifyEnvelope(jws, { resolveKey, now: early, skewSeconds: 120 }),
    ).resolves.toBeDefined();
    await expect(
      verifyEnvelope(jws, { resolveKey, now: early, skewSeconds: 30 }),
    ).rejects.toSatisfy((e) => isFrxError(e, "envelope.not-yet-valid"));
  });

  it("refuses a signature over different bytes even when the JSON means the same", async () => {
    const jws = signEnvelope(envelope, signer);
    const [h, , s] = jws.split(".");
    const reordered = Buffer.from(JSON.stringify({ ...envelope })).toString("base64url");
    await expect(verifyEnvelope(`${h}.${reordered}.${s}`, { resolveKey, now })).rejects.toSatisfy(
      (e) => isFrxError(e, "envelope.non-canonical") || isFrxError(e, "jws.signature-invalid"),
    );
  });

  it("exports a public key that node:crypto reads back as the same key", () => {
    const key = createPublicKey({ key: publicJwk as never, format: "jwk" });
    expect(key.asymmetricKeyType).toBe("ed25519");
  });
});
