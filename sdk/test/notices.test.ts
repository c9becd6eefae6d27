import { MessageType, type AnyMessage } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// The node has no path that emits delivery.failed yet (no federation); its notice builder,
// internal to @frx/node, stands in for the dead-letter job that will.
import { noticeOps } from "../../node/dist/domain/notices.js";
import type { FrxClient } from "../src/index.js";
import { fixture, inputOf } from "./support/fixtures.js";
import { startNode, type LiveNode } from "./support/live-node.js";

let live: LiveNode;
let doe: FrxClient, dsdw: FrxClient, ncc: FrxClient;
beforeEach(async () => {
  live = await startNode();
  [doe, dsdw, ncc] = ["TH:DOE", "TH:DSDW", "TH:NCC"].map((id) => live.client(id)) as [
    FrxClient,
    FrxClient,
    FrxClient,
  ];
});
afterEach(async () => live.close());

async function drain(client: FrxClient): Promise<AnyMessage[]> {
  const out: AnyMessage[] = [];
  for await (const item of client.inbox({ follow: false, autoAck: true })) {
    if (!item.ok) throw item.error;
    out.push(item.message);
  }
  return out;
}

const routine = () => {
  const input = inputOf<typeof MessageType.ReferralCreate>(fixture(MessageType.ReferralCreate));
  return { ...input, referral: undefined, body: { ...input.body, urgency: "routine" as const } };
};

describe("node notices through the inbox, verified with the node's key", () => {
  it("receives deadline.reminder and deadline.overdue as the node emits them, and acts late on an expired referral", async () => {
    const ref = await doe.referrals.create(routine());
    await drain(dsdw); // the referral itself

    live.clock!.set("2026-03-03T10:00:00Z"); // past 75% of the one working day to acknowledge
    await live.node.scheduler.tick();
    const [reminder] = await drain(dsdw);
    expect(reminder).toMatchObject({
      type: MessageType.DeadlineReminder,
      from: "TH:NODE",
      referral: ref.referral,
      body: { deadline: "acknowledge" },
    });

    live.clock!.set("2026-03-03T17:30:00Z"); // past 24:00 Bangkok: escalated to referrer and coordinator
    await live.node.scheduler.tick();
    for (const client of [doe, ncc]) {
      const overdue = (await drain(client)).find((m) => m.type === MessageType.DeadlineOverdue);
      expect(overdue).toMatchObject({
        from: "TH:NODE",
        body: { deadline: "acknowledge", level: 1 },
      });
    }

    live.clock!.set("2026-03-04T17:30:00Z"); // the doubled deadline: the referral expires
    await live.node.scheduler.tick();
    expect((await drain(ncc)).map((m) => m.type)).toContain(MessageType.DeadlineOverdue);
    const view = await doe.cases.get(ref.case);
    expect(view.referrals[0]).toMatchObject({ state: "expired" });
    expect(view.timeline.map((e) => e.type)).toContain(MessageType.DeadlineOverdue);

    // A late answer is still accepted; the helper finds the version in the case view.
    await drain(dsdw);
    const accepted = await dsdw.referrals.accept(ref, { note: "late, but taken on" });
    expect(accepted.message.sequence).toBe(2);
    expect((await doe.cases.get(ref.case)).referrals[0]!.state).toBe("accepted");
  });

  it("receives delivery.failed, naming the message that could not be delivered", async () => {
    const sent = await doe.send(MessageType.CaseNotify, {
      ...inputOf<typeof MessageType.CaseNotify>(fixture(MessageType.CaseNotify)),
      to: [{ participant: "TH:NCC" }],
    });
    const body = { ...fixture(MessageType.DeliveryFailed).body, messageId: sent.messageId };
    const { ops } = noticeOps(live.node.ctx, MessageType.DeliveryFailed, {
      to: ["TH:DOE"],
      body,
    });
    await live.node.ctx.store.commit(ops);

    const [failed] = await drain(doe);
    expect(failed).toMatchObject({
      type: MessageType.DeliveryFailed,
      from: "TH:NODE",
      body: { messageId: sent.messageId, reason: body.reason },
    });
  });
});
