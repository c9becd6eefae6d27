import { afterEach, describe, expect, it } from "vitest";
import { inFlightKey } from "../../src/federation/outbox-store.js";
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
    const flight = await th.node.ctx.store.get<{ keys: string[] }>("outbox", inFlightKey("LA"));
    expect(flight!.keys.length).toBeGreaterThan(1);
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
});
