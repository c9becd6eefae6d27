import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { thaiNode, type TestNode } from "./harness.js";

// Finding 10 of issue 11: about 3,300 levels of nesting overflowed the stack in the canonical
// form check, before any key was looked up: an unauthenticated 500.
let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString("base64url");
const deep = (levels: number) => `{"a":${"[".repeat(levels)}${"]".repeat(levels)}}`;

/** A JWS whose payload nests `levels` deep, with a random signature: no key is needed to send it. */
function deepJws(levels: number, kid: string): string {
  const header = b64(JSON.stringify({ alg: "Ed25519", typ: "frx-envelope+jws", kid }));
  return `${header}.${b64(deep(levels))}.${b64(randomBytes(64))}`;
}

async function codeOf(res: Response) {
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
}

describe("FRX-JCS-005: nesting is bounded before any recursive step", () => {
  it.each([40, 5_000, 60_000])(
    "refuses an envelope nested %i levels deep with envelope.too-deep, not a 500",
    async (levels) => {
      const kid = t.agencies.get("TH:DOE")!.signer.kid;
      expect(await codeOf(await t.submit(deepJws(levels, kid)))).toEqual({
        status: 400,
        code: "envelope.too-deep",
      });
    },
  );

  it("refuses a JSON request body nested deeper than the bound with request.malformed", async () => {
    const res = await t.as("TH:DOE", "/v1/inbox/ack", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: deep(30_000),
    });
    expect(await codeOf(res)).toEqual({ status: 400, code: "request.malformed" });
  });
});
