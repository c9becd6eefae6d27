import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";

const t = section("state-machines/remedy-schedule", "core");
const thb = (amount: string) => ({ amount, currency: "THB" });
const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** LI files a claim with VS; returns an award of it by VS carrying `schedule`. */
async function claimed(h: Harness) {
  const claim = h.envelope("remedy-claim-ok");
  await h.accepted(h.sign(claim));
  const award = (schedule: unknown[]) => ({
    ...h.envelope("remedy-claim-ok", { case: claim.case }),
    type: "remedy.update",
    from: h.id("VS"),
    to: [{ participant: h.id("LI") }],
    body: {
      claimRef: claim.body.claimRef,
      status: "awarded",
      amountAwarded: thb("54000"),
      schedule,
    },
  });
  return { claim, award };
}

export const remedyScheduleTests = [
  t("FRX-REM-014", async (h) => {
    const { claim, award } = await claimed(h);
    for (const [why, schedule] of [
      [
        "instalments that add up to less than the award",
        [{ dueAt: soon(30), amount: thb("50000") }],
      ],
      [
        "due instants that do not increase",
        [
          { dueAt: soon(60), amount: thb("20000") },
          { dueAt: soon(30), amount: thb("34000") },
        ],
      ],
      [
        "an instalment of nothing",
        [
          { dueAt: soon(30), amount: thb("0") },
          { dueAt: soon(60), amount: thb("54000") },
        ],
      ],
    ] as const) {
      const p = await h.refused(h.sign(award([...schedule])), "state.remedy-schedule-invalid");
      check(p.code === "state.remedy-schedule-invalid", `a schedule with ${why} was not refused`);
    }
    const fitting = award([
      { dueAt: soon(30), amount: thb("27000") },
      { dueAt: soon(60), amount: thb("27000") },
    ]);
    await h.accepted(h.sign(fitting));
    const view = await h.call("GET", `/v1/cases/${encodeURIComponent(String(claim.case))}`, {
      as: "LI",
    });
    const claims = view.json<{ claims?: Array<{ schedule?: unknown[] }> }>().claims ?? [];
    check(
      claims[0]?.schedule?.length === 2,
      `the claim does not show the schedule in force: ${JSON.stringify(claims[0] ?? null).slice(0, 300)}`,
    );
  }),
  t("FRX-REM-018", async (h) => {
    const { claim } = await claimed(h);
    // The worker moves on: LI passes the case to POL, which was no party of the claim.
    const transfer = h.envelope("case-transfer-ok", {
      case: claim.case,
      to: [{ participant: h.id("POL") }],
    });
    transfer.body = { ...transfer.body, newOwner: h.id("POL") };
    await h.accepted(h.sign(transfer));
    const view = await h.call("GET", `/v1/cases/${encodeURIComponent(String(claim.case))}`, {
      as: "POL",
    });
    check(view.status === 200, `the new owner cannot read the case: HTTP ${view.status}`);
    const claims = view.json<{ claims?: Array<{ claimRef?: string }> }>().claims ?? [];
    check(
      claims.some((c) => c.claimRef === claim.body.claimRef),
      `the case's new owner does not see its claim: ${JSON.stringify(claims).slice(0, 300)}`,
    );
  }),
];
