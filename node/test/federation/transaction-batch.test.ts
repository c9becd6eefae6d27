import { afterEach, describe, expect, it } from "vitest";
import { flightRange } from "../../src/federation/outbox-store.js";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";

let cluster: Cluster;
afterEach(async () => cluster.close());

const inbox = async (m: Member, who: string) =>
  (
    (await (await m.as(who, "/v1/inbox")).json()) as {
      items: Array<{ messageId: string }>;
    }
  ).items;
const notify = (n: number) => ({
  ...fixture("case.notify"),
  id: `01KJPWGVT06F3AHQXK8TNB${String(n).padStart(4, "0")}`,
  to: [{ participant: "LA:MOLSW" }],
  purpose: "case_coordination",
});

describe("a received transaction, verified together and applied in order", () => {
  it("accepts every envelope of a first transaction from an origin whose directory is not cached yet, in the order sent", async () => {
    // With a cooldown, only one fetch of TH's directory is due: envelopes verified at the same
    // time must wait for it rather than be refused with jws.kid-unknown.
    cluster = await Cluster.start(["TH", "LA"], (c) => {
      c.federation.directoryCooldownMs = 60_000;
    });
    const th = cluster.get("TH");
    await th.node.ctx.peers.ensure("LA");
    await cluster.stop("LA");
    const sent = Array.from({ length: 12 }, (_, i) => notify(i + 1));
    // Submitted together, so that many are stored in one batch and go out in one transaction.
    const answers = await Promise.all(sent.map((env) => th.submit(th.sign(env))));
    expect(answers.map((a) => a.status)).toEqual(sent.map(() => 201));
    await eventually(
      () => Promise.resolve((th.node.ctx.outbox.status().LA?.attempts ?? 0) >= 1),
      "TH to try the dead peer",
    );
    // Several envelopes in the first transaction (the scenario); TH's queue order is the order it stored them.
    const flights = await th.node.ctx.store.range<{ keys: string[] }>("outbox", flightRange("LA"));
    // One case: one transaction in flight for it, however wide the window (FRX-FED-087).
    expect(flights).toHaveLength(1);
    expect(flights[0]![1].keys.length).toBeGreaterThan(1);
    const stored = (
      await th.node.ctx.store.range<{ messageId: string }>("outbox", { gte: "q!LA!", lt: "q!LA!~" })
    ).map(([, item]) => item.messageId);
    expect([...stored].sort()).toEqual(sent.map((e) => e.id).sort());

    const la = await cluster.boot("LA", cluster.get("LA"));
    expect(await la.node.ctx.peers.get("TH")).toBeUndefined();
    const got = await eventually(async () => {
      const items = await inbox(la, "LA:MOLSW");
      return items.length >= sent.length ? items : undefined;
    }, "all twelve at LA");
    // One case: LA applied them in the order TH stored them, each once.
    expect(got.map((i) => i.messageId)).toEqual(stored);
    await eventually(
      async () => (await th.node.ctx.store.range("outbox")).length === 0,
      "TH's outbox to drain",
    );
    expect(await th.node.ctx.store.range("deadLetters")).toEqual([]);
  });

  it("delivers a queue of many transactions each once and in order when every other answer is cut off", async () => {
    cluster = await Cluster.start(["TH", "LA"], (c) => {
      c.federation.batchSize = 5;
    });
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    await th.node.ctx.peers.ensure("LA");
    // Fault: every other transaction reaches LA and is applied there, but its answer is lost.
    const client = th.node.ctx.peerClient as unknown as {
      call: (...a: unknown[]) => Promise<unknown>;
    };
    const real = client.call.bind(client);
    let puts = 0;
    client.call = async (...args: unknown[]) => {
      const res = await real(...args);
      if (args[0] === "PUT" && puts++ % 2 === 0) throw new Error("connection cut after sending");
      return res;
    };
    const sent = Array.from({ length: 23 }, (_, i) => notify(100 + i));
    for (const env of sent) expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      async () => (await th.node.ctx.store.range("outbox")).length === 0,
      "TH's outbox to drain through the cuts",
    );
    // Several transactions, each sent at least twice, and every envelope at LA once, in order.
    expect(puts).toBeGreaterThanOrEqual(2 * Math.ceil(sent.length / 5));
    const got = await inbox(la, "LA:MOLSW");
    expect(got.map((i) => i.messageId)).toEqual(sent.map((e) => e.id));
    const accepted = (await la.node.ctx.store.range<{ kind: string; messageId?: string }>("audit"))
      .map(([, e]) => e)
      .filter((e) => e.kind === "accepted");
    expect(accepted.map((e) => e.messageId)).toEqual(sent.map((e) => e.id));
    expect(await th.node.ctx.store.range("deadLetters")).toEqual([]);
  });
});
