import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

// Finding 9 of issue 11: the last base64url character of a 64-byte signature carries 4 spare
// bits, so 16 spellings of one signature verified, each with its own digest. Whoever submitted
// a variant first made the genuine envelope come back idempotency.conflict.
let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The same bytes, spelled with other values in the spare low bits of the last character. */
function respell(part: string, spare: number): string {
  const last = ALPHABET.indexOf(part.at(-1)!);
  return part.slice(0, -1) + ALPHABET[last | spare]!;
}

const domestic = () => ({
  ...fixture("case.notify"),
  to: [{ participant: "TH:ATPD" }, { participant: "TH:NCC" }],
});

describe("FRX-SIG-027: every JWS part is canonical base64url", () => {
  it("refuses a respelled signature, so the genuine envelope is still accepted after it", async () => {
    const jws = t.sign(domestic());
    const [h, p, s] = jws.split(".") as [string, string, string];
    // 86 characters for 64 bytes: the last one holds 2 bits of the signature and 4 spare ones.
    expect(s).toHaveLength(86);
    const variant = `${h}.${p}.${respell(s, 0b0101)}`;
    expect(Buffer.from(variant.split(".")[2]!, "base64url")).toEqual(Buffer.from(s, "base64url"));
    const first = await t.submit(variant);
    expect(first.status).toBe(400);
    expect(((await first.json()) as { code: string }).code).toBe("jws.malformed");
    const genuine = await t.submit(jws);
    expect(genuine.status).toBe(201);
  });

  it("refuses a respelled header or payload", async () => {
    const jws = t.sign(domestic());
    const [h, p, s] = jws.split(".") as [string, string, string];
    for (const [part, rest] of [
      [h, (x: string) => `${x}.${p}.${s}`],
      [p, (x: string) => `${h}.${x}.${s}`],
    ] as const) {
      const bits = (part.length * 6) % 8; // spare bits in the last character
      if (bits === 0) continue;
      const res = await t.submit(rest(respell(part, 1)));
      expect(((await res.json()) as { code: string }).code).toBe("jws.malformed");
    }
  });

  it("refuses an agency token whose signature is respelled", async () => {
    const token = await t.token("TH:DOE");
    const [h, p, s] = token.split(".") as [string, string, string];
    const res = await t.node.app.request("/v1/inbox", {
      headers: { authorization: `Bearer ${h}.${p}.${respell(s, 0b0011)}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("auth.token-invalid");
  });
});
