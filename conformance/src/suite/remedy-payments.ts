import { MessageType } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { inboxItems, waitForInbox, type InboxItem } from "../harness/inbox.js";
import { PEER_AGENCY, type AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";
import { reply, sendAsPeer } from "./federation-support.js";

/** Overdue instalments of a payment schedule (state-machines.md; the schedule itself: remedy-schedule.ts). */
const t = section("state-machines/remedy-payments", "core");
/** The same, with a claim filed from abroad (the harness peer's agency is the claimant). */
const tf = section("state-machines/remedy-payments", "federation");

const thb = (amount: string) => ({ amount, currency: "THB" });
const soon = (ms: number) => new Date(Date.now() + ms).toISOString();

interface Claim {
  case: string;
  claimRef: string;
}

/** LI files 54,000 THB with VS and has it awarded; POL is a party of the case, not of the claim. */
async function awarded(h: Harness): Promise<Claim> {
  const claim = h.envelope("remedy-claim-ok");
  await h.accepted(h.sign(claim));
  await h.accepted(
    h.sign(h.envelope("case-notify-ok", { case: claim.case, to: [{ participant: h.id("POL") }] })),
  );
  const c = { case: String(claim.case), claimRef: String(claim.body.claimRef) };
  await h.accepted(update(h, c, { status: "awarded", amountAwarded: thb("54000") }));
  return c;
}

function update(h: Harness, c: Claim, body: Record<string, unknown>) {
  return h.sign(
    h.envelope("remedy-update-ok", { case: c.case, body: { claimRef: c.claimRef, ...body } }),
  );
}

interface ViewClaim {
  claimRef: string;
  recipients: string[];
  schedule?: Array<{ dueAt: string; amount: unknown }>;
  overdue?: Array<{ instalment: number; noticeId?: string; clearedBy?: string }>;
}

async function claimSeenBy(h: Harness, as: AgencyName, c: Claim): Promise<ViewClaim | undefined> {
  const r = await h.call("GET", `/v1/cases/${encodeURIComponent(c.case)}`, { as });
  check(r.status === 200, `GET the case as ${h.id(as)} answered ${r.status}`);
  return (r.json<{ claims?: ViewClaim[] }>().claims ?? []).find((x) => x.claimRef === c.claimRef);
}

export const remedyPaymentTests = [
  t(
    "FRX-REM-015",
    async (h) => {
      const c = await awarded(h);
      const scheduled = update(h, c, {
        status: "enforcement",
        schedule: [
          { dueAt: soon(1_500), amount: thb("20000") },
          { dueAt: soon(3_600_000), amount: thb("34000") },
        ],
      });
      await h.accepted(scheduled);
      const isNotice = (i: { envelope: { type: string; body: Record<string, unknown> } }) =>
        i.envelope.type === MessageType.DeadlineOverdue &&
        i.envelope.body.deadline === "payment" &&
        i.envelope.body.claimRef === c.claimRef;
      const notice = await waitForInbox(h, "LI", isNotice, "the payment overdue notice", 15_000);
      same(
        [notice.envelope.body.level, notice.envelope.body.instalment, notice.envelope.from],
        [1, 1, `${h.node.id}:NODE`],
        "the notice's level, instalment and sender",
      );
      await waitForInbox(h, "VS", isNotice, "the notice at the claim's recipient", 5_000);
      // Shown to the claim's parties with the notice; once paid, when and by which update.
      const seen = await claimSeenBy(h, "VS", c);
      same(seen?.overdue?.[0]?.noticeId, notice.messageId, "the overdue instalment's notice");
      const paid = update(h, c, { status: "partially_paid", amountPaid: thb("20000") });
      await h.accepted(paid);
      same(
        (await claimSeenBy(h, "LI", c))?.overdue?.[0]?.clearedBy,
        h.idOf(paid),
        "the update that cleared the overdue instalment",
      );
      same(await claimSeenBy(h, "POL", c), undefined, "the claim as POL, no party of it, sees it");
    },
    { covers: ["FRX-REM-017"] },
  ),

  t("FRX-REM-016", async (h) => {
    // c1's first instalment is paid before its schedule is even set; c2's two fall due
    // unpaid, after c1's. When c2's second notice arrives the node has passed c1's instant and
    // judged c2's first instalment again since its notice.
    const [c1, c2] = [await awarded(h), await awarded(h)];
    const schedule = (first: number, second: number) => [
      { dueAt: soon(first), amount: thb("20000") },
      { dueAt: soon(second), amount: thb("34000") },
    ];
    await h.accepted(update(h, c1, { status: "partially_paid", amountPaid: thb("20000") }));
    await h.accepted(
      update(h, c1, { status: "enforcement", schedule: schedule(3_000, 3_600_000) }),
    );
    await h.accepted(update(h, c2, { status: "enforcement", schedule: schedule(4_000, 7_000) }));
    await waitForInbox(h, "LI", paymentNotice(c2, 2), "c2's second instalment notice", 20_000);
    same(
      (await inboxItems(h, "LI", paymentNotice(c2, 1))).length,
      1,
      "notices of c2's first instalment",
    );
    same(
      (await inboxItems(h, "LI", paymentNotice(c1))).map((i) => i.envelope.body.instalment),
      [],
      "notices of c1, whose first instalment was paid before it fell due",
    );
  }),

  tf("FRX-REM-016/abroad", async (h) => {
    // The harness peer's agency claims from LI: its node is the claimant's, not the node under
    // test. A local claim falling due later shows that the node has judged the instant.
    const claim = h.envelope("remedy-claim-ok", {
      from: PEER_AGENCY,
      to: [{ participant: h.id("LI") }],
    });
    const sent = await reply(h, await sendAsPeer(h, { envelopes: [h.sign(claim)] }));
    same(sent.reply.results[0]?.status, "accepted", "the peer's remedy.claim");
    const abroad = { case: String(claim.case), claimRef: String(claim.body.claimRef) };
    const toPeer = (body: Record<string, unknown>) =>
      h.sign(
        h.envelope("remedy-update-ok", {
          case: abroad.case,
          to: [{ participant: PEER_AGENCY }],
          body: { claimRef: abroad.claimRef, ...body },
        }),
      );
    await h.accepted(toPeer({ status: "awarded", amountAwarded: thb("54000") }));
    await h.accepted(
      toPeer({ status: "enforcement", schedule: [{ dueAt: soon(2_000), amount: thb("54000") }] }),
    );
    const local = await awarded(h);
    await h.accepted(
      update(h, local, {
        status: "enforcement",
        schedule: [{ dueAt: soon(4_000), amount: thb("54000") }],
      }),
    );
    await waitForInbox(h, "LI", paymentNotice(local), "the local claim's notice", 20_000);
    same(
      (await inboxItems(h, "LI", paymentNotice(abroad))).length,
      0,
      "notices at LI of the claim filed from abroad",
    );
    same(
      h.peer
        .envelopes()
        .map((e) => h.payloadOf(e.jws) as { type?: string; body?: { claimRef?: string } })
        .filter(
          (m) => m.type === MessageType.DeadlineOverdue && m.body?.claimRef === abroad.claimRef,
        ).length,
      0,
      "notices sent to the peer about the claim filed from abroad",
    );
  }),
];

/** A payment overdue notice of claim `c` (of instalment `n` when given). */
function paymentNotice(c: Claim, n?: number) {
  return (i: InboxItem) =>
    i.envelope.type === MessageType.DeadlineOverdue &&
    i.envelope.body.deadline === "payment" &&
    i.envelope.body.claimRef === c.claimRef &&
    (n === undefined || i.envelope.body.instalment === n);
}
