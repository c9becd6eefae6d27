import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

// Behind a real listener the envelope route reads its body from the Node request, not from
// hono's web stream (http/body.ts): the same answers as in process, over a loopback socket.
let t: TestNode;
let port: number;
beforeEach(async () => {
  t = await thaiNode({ host: "127.0.0.1" });
  ({ port } = await t.node.start());
});
afterEach(async () => t.node.close());

/** POSTs to /v1/envelopes; `chunks` are written one by one with chunked transfer encoding. */
function post(
  body: string | string[],
  contentType = "application/jose",
): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/v1/envelopes",
        headers: {
          "content-type": contentType,
          ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on("error", reject);
    for (const part of chunked ? body : [body]) req.write(part);
    req.end();
  });
}

describe("POST /v1/envelopes over a socket", () => {
  it("stores an envelope sent in pieces, answers 201 with the security headers, then 200 for it again", async () => {
    const jws = t.sign(fixture("referral.create"));
    const pieces = [jws.slice(0, 100), jws.slice(100, 700), jws.slice(700), "\n"];
    const first = await post(pieces);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ status: "accepted" });
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    expect(first.headers["content-security-policy"]).toContain("default-src 'none'");
    const again = await post(jws);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: "duplicate", receipt: first.json.receipt });
  });

  it("refuses a body whose Content-Length passes the limit with 413 envelope.too-large", async () => {
    const res = await post("x".repeat(t.node.ctx.config.limits.envelopeBytes + 100));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: "envelope.too-large" });
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  it("refuses a chunked body once the bytes read pass the limit, with 413 envelope.too-large", async () => {
    const chunk = "x".repeat(64 * 1024);
    const chunks = Array.from(
      { length: Math.ceil(t.node.ctx.config.limits.envelopeBytes / chunk.length) + 1 },
      () => chunk,
    );
    const res = await post(chunks);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: "envelope.too-large" });
  });

  it("refuses another media type with 415 request.media-type", async () => {
    const res = await post(t.sign(fixture("referral.create")), "application/json");
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ code: "request.media-type" });
  });
});
