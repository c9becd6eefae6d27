import { MessageType, type RemedyRecord } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";
import { paymentDueDates } from "../capabilities.js";

const THB = (amount: string) => ({ amount, currency: "THB" });
const AWARD = THB("54000.00");
/** When the instalments fall due in the demo: seconds after the award, not weeks. */
const FIRST_DUE_MS = 5_000;
const SECOND_DUE_MS = 7_000;

/** Sends one remedy.update of the Lao deckhand's claim and prints what it changed. */
export async function claimUpdate(
  s: Scene,
  from: string,
  to: string,
  change: Record<string, unknown>,
): Promise<void> {
  const update = fixtureEnvelope(MessageType.RemedyUpdate);
  const u = await s.send(from, MessageType.RemedyUpdate, {
    ...update,
    case: s.caseId,
    to: [{ participant: to }],
    body: { claimRef: update.body.claimRef, ...change },
  });
  await s.arrives(u, [to], from, MessageType.RemedyUpdate);
  const paid = change.amountPaid as { amount: string; currency: string } | undefined;
  s.tl.note(
    `claim ${String(change.status)}${paid ? `: ${paid.amount} ${paid.currency} paid of ${AWARD.amount} THB` : ""}`,
  );
}

/**
 * Action 2: the Lao deckhand's unpaid wages, claimed by the Thai inspectorate and followed by
 * the Lao ministry through the remedy machine (spec/machines/remedy.json): assessed, awarded,
 * to be paid in two instalments; the first is paid, the second is not paid when due, so the
 * claim defaults and goes to enforcement. The balance is paid once the worker is home
 * (chapter "Return home").
 */
export async function wageClaim(s: Scene): Promise<void> {
  s.tl.section(
    "Action 2",
    "a remedy claim for unpaid wages: awarded, two instalments, the second overdue",
  );
  const claim = fixtureEnvelope(MessageType.RemedyClaim);
  const id = await s.send("TH:DOE", MessageType.RemedyClaim, {
    ...claim,
    case: s.caseId,
    to: [{ participant: "LA:MOLSW" }],
  });
  await s.arrives(id, ["LA:MOLSW"], "TH:DOE", MessageType.RemedyClaim);
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await claimUpdate(s, "TH:DOE", "LA:MOLSW", {
    status: "assessed",
    note: "Six months at 9,000 THB established from the payslip and the ledger: 54,000 THB owed.",
  });
  // With payment due dates, the award carries its schedule (due in seconds, for the demo).
  const dueDates = await paymentDueDates();
  const dueAt = (ms: number) => new Date(Date.now() + ms).toISOString();
  const schedule = [
    { dueAt: dueAt(FIRST_DUE_MS), amount: THB("30000.00") },
    { dueAt: dueAt(SECOND_DUE_MS), amount: THB("24000.00") },
  ];
  await claimUpdate(s, "TH:DOE", "LA:MOLSW", {
    status: "awarded",
    amountAwarded: AWARD,
    ...(dueDates.ok ? { schedule } : {}),
    note: "Order to pay under s. 124 in two instalments: 30,000.00 THB, then 24,000.00 THB.",
  });
  await claimUpdate(s, "TH:DOE", "LA:MOLSW", {
    status: "partially_paid",
    amountAwarded: AWARD,
    amountPaid: THB("30000.00"),
    paidAt: new Date().toISOString(),
    note: "First instalment paid on time.",
  });

  if (!dueDates.ok) {
    s.tl.skipped("the node's own overdue notice for the second instalment", dueDates.why);
    s.tl.note(`(the story skips to ${day(38)}: the second instalment, due ${day(37)}, never came)`);
  } else {
    s.tl.note(
      `schedule: 30,000.00 THB due ${schedule[0]!.dueAt}, 24,000.00 THB due ${schedule[1]!.dueAt}`,
    );
    const overdue = await s.notice(
      "TH:DOE",
      MessageType.DeadlineOverdue,
      (m) => {
        const b = m.message.body as { deadline?: string; claimRef?: string; instalment?: number };
        return b.deadline === "payment" && b.instalment === 2;
      },
      SECOND_DUE_MS + 20_000,
    );
    if (!overdue)
      throw new Error(
        "TH:DOE, the claimant, got no deadline.overdue for the unpaid second instalment (FRX-REM-015)",
      );
  }
  // The second instalment's date passed without payment: the award stands, enforcement starts.
  await claimUpdate(s, "TH:DOE", "LA:MOLSW", {
    status: "defaulted",
    note: "Second instalment (24,000.00 THB) not paid when due.",
  });
  await claimUpdate(s, "TH:DOE", "LA:MOLSW", {
    status: "enforcement",
    note: "Employer's guarantee deposit seized under s. 125.",
  });
  await showClaim(s, "TH:DOE");
}

/** Prints the claim as `who` sees it in the case view: state, award, instalments. */
export async function showClaim(s: Scene, who: string): Promise<void> {
  // The case view shows claims to their claimant and recipients (FRX-REM-007).
  const view = (await s.as(who).cases.get(s.caseId)) as unknown as { claims?: RemedyRecord[] };
  for (const c of view.claims ?? [])
    s.tl.note(
      `${who}'s view of claim ${c.claimRef.slice(0, 10)}…: ${c.state}, awarded ${c.awarded?.amount ?? "-"} ${c.currency ?? ""}, paid ${c.paid} ${c.currency ?? ""}${c.payments.map((p, i) => `; instalment ${i + 1}: ${p.amount} ${c.currency ?? ""} on ${p.at.slice(0, 10)}`).join("")}`,
    );
}
