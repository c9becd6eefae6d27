import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signEnvelope, verifyEnvelope, type ResolvedKey } from "../src/jws/envelope.js";
import { createSigner, generateSigningKey, importPublicKey } from "../src/jws/keys.js";
// The pool starts its threads from the compiled worker next to it, so it is taken from the build.
import { FrxError, VerifyPool } from "../dist/index.js";
import { vectorDir } from "./vector-files.js";

const envelope = JSON.parse(
  readFileSync(join(vectorDir, "..", "fixtures", "messages", "case.notify-ok.json"), "utf8"),
) as Record<string, unknown>;
const { privateJwk, publicJwk } = generateSigningKey();
const other = generateSigningKey();
const signer = createSigner(privateJwk);
const now = new Date(Date.parse(String(envelope.sentAt)) + 1000);
const key: ResolvedKey = { key: importPublicKey(publicJwk), owner: String(envelope.from) };
const resolveKey = (kid: string) => (kid === publicJwk.kid ? key : undefined);

const pool = new VerifyPool(2);
afterAll(() => pool.close());

/** What a verification ended in: the message id, or the refusal's code and message. */
async function outcome(run: () => Promise<{ message: { id: string }; digest: string }>) {
  try {
    const v = await run();
    return { id: v.message.id, digest: v.digest };
  } catch (error) {
    if (!(error instanceof Error) || !("code" in error)) throw error;
    return { code: (error as FrxError).code, message: error.message };
  }
}

const good = signEnvelope(envelope, signer);
const [h, p, s] = good.split(".") as [string, string, string];
const cases: Record<string, string> = {
  valid: good,
  "not a JWS": "not a jws",
  "signature of another key": `${h}.${p}.${signEnvelope(envelope, createSigner(other.privateJwk)).split(".")[2]}`,
  "non-canonical payload": `${h}.${Buffer.from(JSON.stringify(envelope, null, 1)).toString("base64url")}.${s}`,
  "unknown kid": signEnvelope(envelope, createSigner(other.privateJwk)),
  "schema-invalid": signEnvelope({ ...envelope, purpose: 7 }, signer),
  expired: signEnvelope({ ...envelope, expiresAt: "2026-03-02T09:00:00Z" }, signer),
  "too large": signEnvelope(
    { ...envelope, body: { ...(envelope.body as object), pad: "x".repeat(300_000) } },
    signer,
  ),
};

describe("verification on worker threads", () => {
  it.each(Object.keys(cases))(
    "ends as verifyEnvelope does on the calling thread: %s",
    async (name) => {
      const jws = cases[name]!;
      const inline = await outcome(() => verifyEnvelope(jws, { resolveKey, now }));
      const pooled = await outcome(() => pool.verify(jws, { peekKey: resolveKey, now }));
      expect(pooled).toEqual(inline);
    },
  );

  it("refuses with the resolver's own error in its place in the order of checks", async () => {
    // The built FrxError: the pool replays only the refusals of its own module's class.
    const revoked = () => {
      throw new FrxError("jws.key-revoked", "revoked as compromised");
    };
    const nonCanonical = cases["non-canonical payload"]!;
    // The payload check comes before the key lookup: the revocation is not what is reported.
    expect(await outcome(() => pool.verify(nonCanonical, { peekKey: revoked, now }))).toEqual(
      await outcome(() => verifyEnvelope(nonCanonical, { resolveKey: revoked, now })),
    );
    expect(await outcome(() => pool.verify(good, { peekKey: revoked, now }))).toMatchObject({
      code: "jws.key-revoked",
    });
  });

  it("asks the fetching resolver only for a kid the thread found unknown, then verifies again", async () => {
    const asked: string[] = [];
    const fetching = (kid: string) => {
      asked.push(kid);
      return resolveKey(kid);
    };
    const verified = await pool.verify(good, {
      peekKey: () => undefined,
      resolveKey: fetching,
      now,
    });
    expect(verified.message.id).toBe(envelope.id);
    expect(asked).toEqual([publicJwk.kid]);
    // A payload refused before the key lookup never makes it fetch.
    asked.length = 0;
    await expect(
      pool.verify(cases["non-canonical payload"]!, {
        peekKey: () => undefined,
        resolveKey: fetching,
        now,
      }),
    ).rejects.toMatchObject({ code: "envelope.non-canonical" });
    expect(asked).toEqual([]);
  });
});
