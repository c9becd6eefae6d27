import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deadLetterKey, type DeadLetter } from "../../src/federation/outbox-store.js";
import { signOperatorToken } from "../../src/index.js";
import { thaiNode, type TestNode } from "../harness.js";
import { adminOf, codeOf, type Admin } from "./admin-helpers.js";

let t: TestNode;
let admin: Admin;
beforeEach(async () => {
  t = await thaiNode();
  admin = await adminOf(t);
});
afterEach(async () => t.node.close());

/** A dead letter as the peer worker leaves it (the state an operator finds). */
async function deadLetter(messageId: string, expiresAt: string): Promise<void> {
  const dead: DeadLetter = {
    seq: 7,
    peer: "LA",
    messageId,
    jws: "e30.e30.sig",
    digest: "0".repeat(64),
    from: "TH:DOE",
    expiresAt,
    enqueuedAt: "2026-03-02T09:00:00Z",
    attempts: 3,
    deadAt: "2026-03-02T09:30:00Z",
    reason: "recipient_unknown",
    errorCode: "routing.recipient-unknown",
    detail: "LA is no longer an active member",
  };
  await t.node.ctx.store.commit([
    { type: "put", aggregate: "deadLetters", key: deadLetterKey("LA", messageId), value: dead },
  ]);
}

describe("dead letters through the admin API", () => {
  it("lists a dead letter without its envelope, queues it again unchanged, and audits the retry", async () => {
    await deadLetter("01DEAD", "2026-04-01T00:00:00Z");
    const listed = (await (await admin.call("GET", "/dead-letters")).json()) as Array<
      Record<string, unknown>
    >;
    expect(listed).toEqual([expect.objectContaining({ peer: "LA", messageId: "01DEAD" })]);
    expect(listed[0]).not.toHaveProperty("jws");
    expect((await admin.call("POST", "/dead-letters/LA/01DEAD/retry")).status).toBe(200);
    const queued = await t.node.ctx.store.range<{
      messageId: string;
      jws: string;
      attempts: number;
    }>("outbox", { gte: "q!LA!", lt: "q!LA!~" });
    expect(queued.map(([, q]) => [q.messageId, q.jws, q.attempts])).toEqual([
      ["01DEAD", "e30.e30.sig", 0],
    ]);
    expect(await t.node.ctx.store.range("deadLetters")).toEqual([]);
    const peers = (await (await admin.call("GET", "/peers")).json()) as Array<{
      peer: string;
      queued: number;
    }>;
    expect(peers).toEqual([expect.objectContaining({ peer: "LA", queued: 1 })]);
  });

  it("refuses to retry one past its expiresAt (FRX-ADM-010) but discards it, and answers an unknown one with request.not-found", async () => {
    await deadLetter("01OLD", "2026-03-02T09:40:00Z");
    const retry = await admin.call("POST", "/dead-letters/LA/01OLD/retry");
    expect(await codeOf(retry)).toBe("delivery.expired");
    expect((await admin.call("POST", "/dead-letters/LA/01OLD/discard")).status).toBe(200);
    expect(await t.node.ctx.store.range("deadLetters")).toEqual([]);
    const unknown = await admin.call("POST", "/dead-letters/LA/01OLD/discard");
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, "request.not-found"]);
  });
});

describe("FRX-ADM-001: the admin API on a unix socket", () => {
  it("creates the socket with mode 0600 and answers on it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-sock-"));
    await chmod(dir, 0o700);
    const socket = join(dir, "admin.sock");
    const s = await thaiNode({ admin: { enabled: true, host: "127.0.0.1", port: 0, socket } });
    const sAdmin = await adminOf(s);
    try {
      await s.node.start();
      expect(s.node.adminUrl).toBe(`unix:${socket}`);
      expect((await stat(socket)).mode & 0o777).toBe(0o600);
      const agent = new Agent({ connect: { socketPath: socket } });
      try {
        const token = await signOperatorToken(sAdmin.operator, "ops", "TH", s.clock.now());
        const res = await request("http://localhost/admin/api/health", {
          dispatcher: agent,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.statusCode).toBe(200);
        expect(((await res.body.json()) as { node: string }).node).toBe("TH");
      } finally {
        await agent.close();
      }
    } finally {
      await s.node.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
