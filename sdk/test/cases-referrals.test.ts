import { MessageType } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FrxClient, ReferralRef } from "../src/index.js";
import { fixture, inputOf } from "./support/fixtures.js";
import { startNode, type LiveNode } from "./support/live-node.js";

let live: LiveNode;
let doe: FrxClient, dsdw: FrxClient;
let ref: ReferralRef;
beforeEach(async () => {
  live = await startNode();
  doe = live.client("TH:DOE");
  dsdw = live.client("TH:DSDW");
  const input = inputOf<typeof MessageType.ReferralCreate>(fixture(MessageType.ReferralCreate));
  // A fresh case and referral, both minted by the client.
  ref = await doe.referrals.create({ ...input, case: undefined, referral: undefined });
});
afterEach(async () => live.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "resolved" }),
    (e: { code?: string; status?: number }) => e,
  );
const conflicts = () =>
  live.node.ctx.metrics.render().match(/code="state\.sequence-conflict"} (\d+)/)?.[1] ?? "0";

describe("cases", () => {
  it("shows each party the referral's state, version, its own allowed actions, deadlines and timeline", async () => {
    expect(ref.case).toMatch(/^TH:DOE:[0-9A-HJKMNP-TV-Z]{26}$/);
    await dsdw.referrals.acknowledge(ref, {
      assignedHandlerRole: "provincial shelter case manager",
    });

    const mine = await doe.cases.get(ref.case);
    expect(mine.referrals).toHaveLength(1);
    expect(mine.referrals[0]).toMatchObject({
      referral: ref.referral,
      state: "acknowledged",
      version: 2,
      referrer: "TH:DOE",
      recipient: "TH:DSDW",
    });
    expect(mine.referrals[0]!.allowedActions).toContain(MessageType.ReferralWithdraw);
    expect(mine.referrals[0]!.allowedActions).not.toContain(MessageType.ReferralAccept);
    expect(mine.timeline.map((e) => e.type)).toEqual([
      MessageType.ReferralCreate,
      MessageType.ReferralAcknowledge,
    ]);
    expect(mine.deadlines.map((d) => d.kind)).toEqual(["decide"]);

    const theirs = await dsdw.cases.get(ref.case);
    expect(theirs.referrals[0]!.allowedActions).toEqual(
      expect.arrayContaining([MessageType.ReferralAccept, MessageType.ReferralDecline]),
    );
  });

  it("hides a case from an agency that is no party to it: request.not-found", async () => {
    expect(await failure(live.client("TH:NCC").cases.get(ref.case))).toMatchObject({
      code: "request.not-found",
      status: 404,
    });
  });
});

describe("referral helpers against a moving referral", () => {
  it("sends again at the new head when the counterpart moved it and the action is still allowed", async () => {
    await dsdw.referrals.acknowledge(ref, { assignedHandlerRole: "case manager" }); // DOE does not know
    const withdrawn = await doe.referrals.withdraw(ref, { reason: "duplicate" });
    expect(withdrawn.message.sequence).toBe(3);
    expect(conflicts()).toBe("1");
  });

  it("sends nothing again when the new state forbids the action: state.transition-forbidden", async () => {
    await dsdw.referrals.decline(ref, { reason: "no_capacity" }); // DOE does not know
    expect(await failure(doe.referrals.withdraw(ref, { reason: "duplicate" }))).toMatchObject({
      code: "state.transition-forbidden",
      status: 409,
    });
    expect(conflicts()).toBe("0");
  });

  it("refuses, without retrying, a sequence given explicitly", async () => {
    await dsdw.referrals.acknowledge(ref, { assignedHandlerRole: "case manager" });
    const stale = doe.referrals.withdraw(ref, { reason: "duplicate" }, { sequence: 2 });
    expect(await failure(stale)).toMatchObject({ code: "state.sequence-conflict" });
  });

  it("names an unknown referral: state.referral-unknown", async () => {
    const unknown = { case: ref.case, referral: "01KJPZ00000000000000000000" };
    expect(await failure(dsdw.referrals.accept(unknown, {}))).toMatchObject({
      code: "state.referral-unknown",
    });
  });
});
