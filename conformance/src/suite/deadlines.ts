import { MessageType, parseInstant, verifyEnvelope } from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { inboxItems, referralView, waitForInbox, type InboxItem } from "../harness/inbox.js";
import { section } from "./define.js";
import { moveOf, openReferral, type OpenReferral } from "./referrals.js";

const t = section("state-machines/deadlines", "core");
/** The kit's SLA for risk_to_life referrals: acknowledge within 0.001 h (config-overrides.json). */
const ACK_MS = 3_600;
const HINT = " (did the operator apply the kit's config-overrides.json?)";

interface Outcome {
  a: OpenReferral;
  reminder: InboxItem;
  level1: InboxItem;
  level2: InboxItem;
  stateAfterLevel2: string;
  lateAck: string;
  level1Count: number;
  notMetNotices: InboxItem[];
}

const notice = (type: string, r: OpenReferral, level?: number) => (i: InboxItem) =>
  i.envelope.type === type &&
  i.envelope.referral === r.referral &&
  i.envelope.body.deadline === "acknowledge" &&
  (level === undefined || i.envelope.body.level === level);

/**
 * One background scenario for every deadline test: referral A is left unanswered, B is
 * acknowledged and accepted at once. A's reminder, both escalations and its expiry are
 * collected; B must draw no notice.
 */
async function scenario(h: Harness): Promise<Outcome> {
  const a = await openReferral(h, "risk_to_life");
  const b = await openReferral(h, "risk_to_life");
  await h.accepted(h.sign(moveOf(h, b, "referral-acknowledge-ok", 2)));
  await h.accepted(h.sign(moveOf(h, b, "referral-accept-ok", 3)));
  const reminder = await waitForInbox(
    h,
    "VS",
    notice(MessageType.DeadlineReminder, a),
    `A's acknowledge reminder${HINT}`,
    15_000,
  );
  const level1 = await waitForInbox(
    h,
    "LI",
    notice(MessageType.DeadlineOverdue, a, 1),
    `A's level-1 overdue notice${HINT}`,
    15_000,
  );
  const level2 = await waitForInbox(
    h,
    "LI",
    notice(MessageType.DeadlineOverdue, a, 2),
    `A's level-2 overdue notice${HINT}`,
    20_000,
  );
  const stateAfterLevel2 = (await referralView(h, "LI", a.caseId, a.referral)).state;
  const late = await h.submit(h.sign(moveOf(h, a, "referral-acknowledge-ok", 2)));
  const lateAck =
    late.status === 201
      ? (await referralView(h, "LI", a.caseId, a.referral)).state
      : `HTTP ${late.status} ${late.text.slice(0, 200)}`;
  const level1Count = (await inboxItems(h, "LI", notice(MessageType.DeadlineOverdue, a, 1))).length;
  const ofB = (i: InboxItem) =>
    i.envelope.referral === b.referral && i.envelope.type.startsWith("deadline.");
  const notMetNotices = [...(await inboxItems(h, "LI", ofB)), ...(await inboxItems(h, "VS", ofB))];
  // Stop A's remaining deadlines.
  await h.submit(h.sign(moveOf(h, a, "referral-withdraw-ok", 3)));
  return { a, reminder, level1, level2, stateAfterLevel2, lateAck, level1Count, notMetNotices };
}

const prepare = (h: Harness) => void h.scenario("deadlines", () => scenario(h));
const outcome = (h: Harness) => h.scenario("deadlines", () => scenario(h));
const at = (iso: unknown) => parseInstant(iso);

export const deadlineTests = [
  t(
    "FRX-DL-002",
    async (h) => {
      const o = await outcome(h);
      const due = at(o.level1.envelope.body.dueAt) - at(o.a.receivedAt);
      check(
        Math.abs(due - ACK_MS) <= 100,
        `dueAt is ${due} ms after the referral was stored; the kit's SLA is ${ACK_MS} ms`,
      );
    },
    { prepare },
  ),

  t(
    "FRX-DL-005",
    async (h) => {
      const o = await outcome(h);
      const sent = at(o.reminder.envelope.sentAt) - at(o.a.receivedAt);
      // Never early; and, however loaded the machine, before the deadline's first overdue
      // notice (an order, not a speed: a bound in milliseconds failed on loaded CI runners).
      const overdue = at(o.level1.envelope.sentAt) - at(o.a.receivedAt);
      check(
        sent >= 0.75 * ACK_MS - 300 && sent <= overdue,
        `the reminder was sent ${sent} ms after storage, the first overdue notice ${overdue} ms; due at 0.75 × ${ACK_MS} ms, before the overdue notice`,
      );
    },
    { prepare },
  ),

  t(
    "FRX-DL-006",
    async (h) => {
      const o = await outcome(h);
      const escalated =
        (o.level1.envelope.body.escalatedTo as Array<{ participant?: string }> | undefined) ?? [];
      check(
        escalated.some((e) => e.participant === h.id("LI")),
        `the escalation does not name the referrer: ${JSON.stringify(escalated)}`,
      );
      same(
        o.level2.envelope.to,
        o.level1.envelope.to,
        "the level-2 notice's recipients (as level 1's)",
      );
    },
    { prepare },
  ),

  t(
    "FRX-REF-010",
    async (h) => {
      const o = await outcome(h);
      same(o.stateAfterLevel2, "expired", "referral state after the level-2 notice");
      same(o.lateAck, "acknowledged", "a late acknowledgement of the expired referral");
    },
    { prepare },
  ),

  t(
    "FRX-DL-007",
    async (h) => {
      const o = await outcome(h);
      same(
        o.notMetNotices.map((i) => `${i.envelope.type} ${String(i.envelope.body.deadline)}`),
        [],
        "notices about a referral whose deadlines were met",
      );
    },
    { prepare },
  ),

  t(
    "FRX-MSG-007",
    async (h) => {
      const o = await outcome(h);
      same(o.level1Count, 1, "level-1 acknowledge notices for one referral");
      same(
        o.level1.envelope.body.messageId,
        o.a.create.id,
        "the notice's messageId (the starting message)",
      );
      same(
        at(o.level2.envelope.body.dueAt) - at(o.a.receivedAt),
        2 * ACK_MS,
        "level-2 dueAt (the doubled deadline) after storage, in ms",
      );
    },
    { prepare },
  ),

  t(
    "FRX-MSG-005",
    async (h) => {
      const o = await outcome(h);
      for (const item of [o.reminder, o.level1]) {
        same(item.envelope.from, `${h.node.id}:NODE`, "the notice's from");
        await holds(`the ${item.envelope.type} signature`, () =>
          verifyEnvelope(item.jws, { resolveKey: (kid) => h.nodeKey(kid) }),
        );
      }
      const dir = await h.http.call("GET", "/v1/directory");
      const listed = dir.status === 200 && dir.text.includes(`"${h.node.id}:NODE"`);
      if (!listed)
        h.warn(
          `the node's directory does not list ${h.node.id}:NODE, the participant its notices come from`,
        );
    },
    { prepare },
  ),
];
