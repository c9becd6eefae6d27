import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import type { LevelStore } from "../../src/store/store.js";

let cluster: Cluster;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
});
afterEach(async () => cluster.close());

const inbox = async (m: Member, who: string) =>
  (
    (await (await m.as(who, "/v1/inbox")).json()) as {
      items: Array<{ messageId: string; jws: string }>;
    }
  ).items;
const notify = (n: number) => ({
  ...fixture("case.notify"),
  id: `01KJPWGVT06F3AHQXK8TNA${String(n).padStart(4, "0")}`,
  to: [{ participant: "LA:MOLSW" }],
  purpose: "case_coordination",
});

describe("outages", () => {
  it("delivers exactly once after the peer was down and came back", async () => {
    const th = cluster.get("TH");
    await th.node.ctx.peers.ensure("LA");
    await cluster.stop("LA");
    const sent = [1, 2, 3].map(notify);
    for (const env of sent) expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      () => Promise.resolve((th.node.ctx.outbox.status().LA?.attempts ?? 0) >= 2),
      "TH to retry against the dead peer",
    );

    const la = await cluster.boot("LA", cluster.get("LA"));
    const got = await eventually(async () => {
      const items = await inbox(la, "LA:MOLSW");
      return items.length >= 3 ? items : undefined;
    }, "all three at LA");
    expect(got.map((i) => i.messageId)).toEqual(sent.map((e) => e.id));
    await eventually(
      async () => (await th.node.ctx.store.range("outbox")).length === 0,
      "TH's outbox to drain",
    );
    expect(await inbox(la, "LA:MOLSW")).toHaveLength(3);
  });

  it("loses nothing and doubles nothing when the sending node dies after sending, before recording the reply", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    await th.node.ctx.peers.ensure("LA");
    // Fault: the first transaction reaches LA and LA answers, but TH "dies" before it records the reply.
    const client = th.node.ctx.peerClient as unknown as {
      call: (...a: unknown[]) => Promise<unknown>;
    };
    const real = client.call.bind(client);
    let crashed = false;
    client.call = async (...args: unknown[]) => {
      const res = await real(...args);
      if (!crashed && args[0] === "PUT") {
        crashed = true;
        throw new Error("simulated crash after the peer answered");
      }
      return res;
    };
    const env = notify(7);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      async () => (await inbox(la, "LA:MOLSW")).length === 1 && crashed,
      "LA to have it and TH to have crashed",
    );
    await cluster.stop("TH");
    expect((th.node.ctx.store as LevelStore).db.status).toBe("closed");

    const restarted = await cluster.boot("TH", th);
    await eventually(
      async () => (await restarted.node.ctx.store.range("outbox")).length === 0,
      "TH to resend the same transaction and record the reply",
    );
    expect(await inbox(la, "LA:MOLSW")).toHaveLength(1);
    const deliveries = await restarted.node.ctx.store.range<{ status: string }>("deliveries");
    // One receipt, and the peer's signed reply kept as evidence.
    expect(deliveries.filter(([k]) => !k.startsWith("reply!")).map(([, d]) => d.status)).toEqual([
      "accepted",
    ]);
    expect(deliveries.filter(([k]) => k.startsWith("reply!LA!"))).toHaveLength(1);
  });

  it("dead-letters an envelope that expires while the peer is down, and tells its sender", async () => {
    const th = cluster.get("TH");
    await th.node.ctx.peers.ensure("LA");
    await cluster.stop("LA");
    const env = notify(9);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    th.clock.set("2026-04-02T00:00:00Z"); // past expiresAt (30 days after sentAt)
    const notice = await eventually(async () => {
      const items = await inbox(th, "TH:DOE");
      return items
        .map(
          (i) =>
            JSON.parse(Buffer.from(i.jws.split(".")[1]!, "base64url").toString()) as {
              type: string;
              body: Record<string, unknown>;
            },
        )
        .find((m) => m.type === "delivery.failed");
    }, "a delivery.failed notice");
    expect(notice.body).toMatchObject({
      messageId: env.id,
      reason: "expired",
      errorCode: "delivery.expired",
    });
    expect(await th.node.ctx.store.range("deadLetters")).toHaveLength(1);
    expect(await th.node.ctx.store.range("outbox")).toHaveLength(0);
  });
});
