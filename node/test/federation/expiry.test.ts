import { FrxError } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cluster, eventually, type Member } from "./cluster.js";
import { failureNotices, inbox, notifyLa, tapPeers, txnOf } from "./taps.js";

let cluster: Cluster;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  await cluster.get("TH").node.ctx.peers.ensure("LA");
});
afterEach(async () => cluster.close());

// The fixtures' clock is 09:45; this envelope expires at 09:50, the other a month later.
const SHORT = "2026-03-02T09:50:00Z";
const AFTER_IT = "2026-03-02T09:51:00Z";

/** Both nodes' clocks past the short envelope's expiry (LA, within its skew, would still take it). */
function pastExpiry(...members: Member[]) {
  for (const m of members) m.clock.set(AFTER_IT);
}

describe("expiry in the outbox (FRX-FED-051 to FRX-FED-053)", () => {
  it("FRX-FED-052: dead-letters a queued envelope already expired instead of putting it in a new transaction", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const short = notifyLa(1, { expiresAt: SHORT });
    const long = notifyLa(2);
    await th.node.ctx.outbox.stop();
    for (const env of [short, long]) expect((await th.submit(th.sign(env))).status).toBe(201);
    pastExpiry(th, la);
    await th.node.ctx.outbox.start();

    await eventually(
      async () => (await th.node.ctx.store.range("outbox")).length === 0,
      "TH's outbox to drain",
    );
    expect((await inbox(la, "LA:MOLSW")).map((i) => i.messageId)).toEqual([long.id]);
    expect(await th.node.ctx.store.get("deadLetters", `LA!${short.id}`)).toMatchObject({
      reason: "expired",
      errorCode: "delivery.expired",
      attempts: 0,
    });
    expect(await failureNotices(th, "TH:DOE")).toEqual([
      expect.objectContaining({
        messageId: short.id,
        reason: "expired",
        errorCode: "delivery.expired",
        attempts: 0,
      }),
    ]);
  });

  it("FRX-FED-053: after a failed attempt, abandons a transaction in flight that carries an expired envelope and sends the rest under a new txnId", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    let down = true;
    const tap = tapPeers(th, (call, real) => {
      if (call.method === "PUT" && down)
        return Promise.reject(new FrxError("federation.peer-unreachable", "simulated outage"));
      return real();
    });
    const short = notifyLa(3, { expiresAt: SHORT });
    const long = notifyLa(4);
    await th.node.ctx.outbox.stop();
    for (const env of [short, long]) expect((await th.submit(th.sign(env))).status).toBe(201);
    await th.node.ctx.outbox.start();
    await eventually(() => Promise.resolve(tap.puts().length >= 1), "a first, failed attempt");
    const first = txnOf(tap.puts()[0]!);

    pastExpiry(th, la);
    const dead = await eventually(
      () => th.node.ctx.store.get<{ attempts: number }>("deadLetters", `LA!${short.id}`),
      "the expired envelope in the dead letters",
    );
    expect(dead.attempts).toBeGreaterThanOrEqual(1);
    down = false;
    th.node.ctx.outbox.heardFrom("LA");
    await eventually(
      async () => (await th.node.ctx.store.range("outbox")).length === 0,
      "TH's outbox to drain",
    );

    expect((await inbox(la, "LA:MOLSW")).map((i) => i.messageId)).toEqual([long.id]);
    expect(txnOf(tap.puts().at(-1)!)).not.toBe(first);
    const [notice] = await failureNotices(th, "TH:DOE");
    expect(notice).toMatchObject({
      messageId: short.id,
      reason: "expired",
      errorCode: "delivery.expired",
      attempts: dead.attempts,
      lastAttemptAt: expect.any(String) as string,
    });
  });
});
