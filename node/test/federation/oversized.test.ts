import { digestOf } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueueOps } from "../../src/federation/outbox-store.js";
import type { Envelope } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import { failureNotices, inbox, notifyLa } from "./taps.js";

let cluster: Cluster;
let th: Member;
let la: Member;
beforeEach(async () => {
  // These operators let their agencies send envelopes larger than a transaction may carry.
  cluster = await Cluster.start(["TH", "LA"], (config) => (config.limits.envelopeBytes = 400_000));
  th = cluster.get("TH");
  la = cluster.get("LA");
  await th.node.ctx.peers.ensure("LA");
});
afterEach(async () => cluster.close());

/** A schema-valid case.notify whose JWS is over 262,144 bytes, to `to`. */
function oversized(n: number, to: Array<Record<string, string>>): Envelope {
  const env = notifyLa(n, { to });
  const hex = (i: number, j: number) =>
    (i.toString(16).padStart(4, "0") + j.toString(16).padStart(4, "0")).repeat(8);
  env.body = {
    ...env.body,
    indicators: Array.from({ length: 50 }, (_, i) => ({
      code: "DEBT_BONDAGE",
      observedBy: "TH:DOE",
      observedAt: "2026-02-09T06:40:00Z",
      confidence: "high",
      evidenceRefs: Array.from({ length: 50 }, (_, j) => hex(i, j)),
    })),
    persons: Array.from({ length: 100 }, (_, i) => ({
      personRef: `pp_${String(i).padStart(64, "x")}`,
      citizenship: ["LA", "KH", "MM"],
      majorityStatus: "adult",
      ageBand: "18-20",
      gender: "Masculine",
    })),
    workerCounts: Array.from({ length: 50 }, (_, i) => ({
      citizenship: "LA",
      ageBand: "18-20",
      gender: "Masculine",
      count: i + 1,
    })),
    summary: "s".repeat(2000),
  };
  return env;
}

describe("an envelope larger than a transaction may carry", () => {
  it("FRX-FED-070: is refused at submit when it addresses another node, with envelope.too-large", async () => {
    const big = oversized(1, [{ participant: "LA:MOLSW" }]);
    const jws = th.sign(big);
    expect(jws.length).toBeGreaterThan(262_144);
    const res = await th.submit(jws);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe("envelope.too-large");
    // Within this node, this node's own limit governs.
    const domestic = th.sign(oversized(2, [{ participant: "TH:ATPD" }]));
    const ok = await th.submit(domestic);
    expect(ok.status, await ok.clone().text()).toBe(201);
  });

  it("FRX-FED-071: one already queued is dead-lettered with a notice, and the envelopes behind it still go", async () => {
    const ctx = th.node.ctx;
    await ctx.outbox.stop();
    // Queued before this node refused such envelopes at submit (an older version, a raised limit).
    const big = oversized(3, [{ participant: "LA:MOLSW" }]);
    const jws = th.sign(big);
    await ctx.store.commit(
      enqueueOps(ctx, "LA", {
        messageId: big.id,
        jws,
        digest: digestOf(jws),
        from: "TH:DOE",
        expiresAt: "2099-01-01T00:00:00Z",
        enqueuedAt: th.clock.now().toISOString(),
      }),
    );
    const small = notifyLa(4);
    expect((await th.submit(th.sign(small))).status).toBe(201);
    await ctx.outbox.start();

    await eventually(
      async () => (await inbox(la, "LA:MOLSW")).some((i) => i.messageId === small.id),
      "the small envelope at LA",
    );
    await eventually(
      async () => (await failureNotices(th, "TH:DOE")).some((n) => n.messageId === big.id),
      "a delivery.failed notice for the oversized envelope",
    );
    expect(await ctx.store.get("deadLetters", `LA!${big.id}`)).toMatchObject({
      errorCode: "envelope.too-large",
    });
  });
});
