import { afterEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

// Finding 15 of issue 11: every refused unauthenticated input wrote a synced audit entry
// (627 per second measured), and nothing limited how often a source or an agency could do it.
let t: TestNode;
afterEach(async () => t.node.close());

/** The in-process request as if from `address` (what @hono/node-server passes as env). */
const from = (address: string, path: string, init: RequestInit = {}) =>
  t.node.app.request(path, init, { incoming: { socket: { remoteAddress: address } } });

const garbage = (address: string) =>
  from(address, "/v1/envelopes", {
    method: "POST",
    headers: { "content-type": "application/jose" },
    body: "not.a.jws",
  });

async function codeOf(res: Response) {
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
}

describe("FRX-ENV-035: refusals are rate-limited per source and per agency", () => {
  it("refuses a source with 429 and Retry-After once it has spent its refusals, and no other source", async () => {
    t = await thaiNode({
      rateLimit: { sourceRefusalsPerSecond: 2, agencyRefusalsPerSecond: 5, burst: 5 },
    });
    for (let i = 0; i < 5; i++)
      expect(await codeOf(await garbage("192.0.2.7"))).toEqual({
        status: 400,
        code: "jws.malformed",
      });
    const limited = await garbage("192.0.2.7");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await codeOf(limited)).toEqual({ status: 429, code: "request.rate-limited" });
    // Limited before any work: even a valid envelope from that source waits.
    const valid = await from("192.0.2.7", "/v1/envelopes", {
      method: "POST",
      headers: { "content-type": "application/jose" },
      body: t.sign({ ...fixture("case.notify"), to: [{ participant: "TH:ATPD" }] }),
    });
    expect(valid.status).toBe(429);
    expect(await codeOf(await garbage("192.0.2.8"))).toMatchObject({ code: "jws.malformed" });
    // Two refusals a second come back.
    t.clock.advance(1000);
    expect(await codeOf(await garbage("192.0.2.7"))).toMatchObject({ code: "jws.malformed" });
  });

  it("takes the source from the configured proxy header when there is one", async () => {
    t = await thaiNode({
      rateLimit: {
        sourceRefusalsPerSecond: 1,
        agencyRefusalsPerSecond: 1,
        burst: 1,
        sourceHeader: "x-real-ip",
      },
    });
    const viaProxy = (client: string) =>
      from("10.0.0.1", "/v1/envelopes", {
        method: "POST",
        headers: { "content-type": "application/jose", "x-real-ip": client },
        body: "not.a.jws",
      });
    expect((await viaProxy("198.51.100.1")).status).toBe(400);
    expect((await viaProxy("198.51.100.1")).status).toBe(429);
    expect((await viaProxy("198.51.100.2")).status).toBe(400);
  });

  it("refuses an agency that has spent its refusals, whatever source it calls from", async () => {
    t = await thaiNode({
      rateLimit: { sourceRefusalsPerSecond: 0, agencyRefusalsPerSecond: 1, burst: 3 },
    });
    const badDigest = (who: string) => t.as(who, "/v1/attachments/not-a-digest");
    for (let i = 0; i < 3; i++) expect((await badDigest("TH:DOE")).status).toBe(400);
    expect(await codeOf(await t.as("TH:DOE", "/v1/inbox"))).toEqual({
      status: 429,
      code: "request.rate-limited",
    });
    expect((await t.as("TH:ATPD", "/v1/inbox")).status).toBe(200);
  });

  it("writes refusals' audit entries with the next write instead of one synced write each", async () => {
    t = await thaiNode({ refusalAuditFlushMs: 3_600_000 });
    const store = t.node.ctx.store;
    const before = { batches: store.batches, audit: t.node.ctx.audit.length };
    for (let i = 0; i < 20; i++) expect((await garbage("192.0.2.9")).status).toBe(400);
    expect(store.batches).toBe(before.batches);
    expect(t.node.ctx.audit.length).toBe(before.audit + 20);
    // The next write carries them: on disk the chain has no gap.
    const res = await t.submit(
      t.sign({ ...fixture("case.notify"), to: [{ participant: "TH:ATPD" }] }),
    );
    expect(res.status).toBe(201);
    const onDisk = await store.range<{ kind: string }>("audit");
    expect(onDisk.filter(([, e]) => e.kind === "refused")).toHaveLength(20);
    expect(onDisk).toHaveLength(t.node.ctx.audit.length);
  });
});
