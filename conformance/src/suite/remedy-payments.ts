import { MessageType } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { waitForInbox } from "../harness/inbox.js";
import type { AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";

/** Overdue instalments of a payment schedule (state-machines.md; the schedule itself: remedy-schedule.ts). */
const t = section("state-machines/remedy-payments", "core");

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
];
