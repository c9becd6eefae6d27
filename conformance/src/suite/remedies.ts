import { instantMs } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { ulid } from "../harness/ulid.js";
import type { AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";

/** The remedy machine (state-machines.md, machines/remedy.json): claims followed to payment. */
const t = section("state-machines/remedies", "core");

interface Claim {
  case: string;
  claimRef: string;
}

const thb = (amount: string) => ({ amount, currency: "THB" });
/** A decimal string without insignificant zeros ("54000.00" → "54000"), compared as text. */
const dec = (s: unknown) =>
  String(s).includes(".") ? String(s).replace(/0+$/, "").replace(/\.$/, "") : String(s);

/** LI files a claim of 54,000 THB with VS; the case also has POL as a party (not of the claim). */
async function filed(h: Harness): Promise<Claim> {
  const claim = h.envelope("remedy-claim-ok");
  await h.accepted(h.sign(claim));
  const notify = h.envelope("case-notify-ok", {
    case: claim.case,
    to: [{ participant: h.id("POL") }],
  });
  await h.accepted(h.sign(notify));
  return { case: String(claim.case), claimRef: String(claim.body.claimRef) };
}

function update(h: Harness, c: Claim, body: Record<string, unknown>, from: AgencyName = "LI") {
  const to = from === "VS" ? "LI" : "VS";
  return h.sign(
    h.envelope("remedy-update-ok", {
      case: c.case,
      from: h.id(from),
      to: [{ participant: h.id(to) }],
      body: { claimRef: c.claimRef, ...body },
    }),
  );
}

interface ViewClaim {
  claimRef: string;
  state: string;
  currency?: string;
  awarded?: { amount: string; currency: string };
  paid: string;
  payments: Array<{ amount: string; total: string; at: string }>;
}

async function claimsSeenBy(h: Harness, as: AgencyName, c: Claim): Promise<ViewClaim[]> {
  const r = await h.call("GET", `/v1/cases/${encodeURIComponent(c.case)}`, { as });
  check(r.status === 200, `GET the case as ${h.id(as)} answered ${r.status}`);
  const claims = r.json<{ claims?: ViewClaim[] }>().claims ?? [];
  return claims.filter((x) => x.claimRef === c.claimRef);
}

const AMOUNT = "state.remedy-amount-invalid" as const;

export const remedyTests = [
  t("FRX-REM-001", async (h) => {
    for (const status of ["assessed", "awarded", "paid"])
      await h.refused(h.sign(claimWith(h, status)), "state.transition-forbidden");
    const c = await filed(h);
    const again = h.envelope("remedy-claim-ok", { case: c.case });
    again.body.claimRef = c.claimRef;
    await h.refused(h.sign(again), "state.transition-forbidden");
    await h.refused(
      update(h, { ...c, claimRef: ulid() }, { status: "assessed" }),
      "state.transition-forbidden",
    );
    await h.refused(update(h, c, { status: "defaulted" }), "state.transition-forbidden");
    await h.accepted(update(h, c, { status: "assessed" }));
  }),

  t("FRX-REM-002", async (h) => {
    const c = await filed(h);
    await h.refused(update(h, c, { status: "assessed" }, "POL"), "state.actor-forbidden");
    await h.accepted(update(h, c, { status: "assessed" }, "VS"));
  }),

  t("FRX-REM-003", async (h) => {
    const c = await filed(h);
    await h.refused(
      update(h, c, { status: "awarded", amountAwarded: { amount: "1500", currency: "LAK" } }),
      "state.remedy-currency-mismatch",
    );
  }),

  t(
    "FRX-REM-004",
    async (h) => {
      const c = await filed(h);
      await h.refused(update(h, c, { status: "awarded" }), AMOUNT); // no amountAwarded (005)
      await h.refused(update(h, c, { status: "hearing", amountPaid: thb("10") }), AMOUNT); // 006
      await h.accepted(update(h, c, { status: "awarded", amountAwarded: thb("54000.00") }));
      await h.accepted(update(h, c, { status: "partially_paid", amountPaid: thb("30000") }));
      await h.refused(update(h, c, { status: "partially_paid", amountPaid: thb("60000") }), AMOUNT);
      await h.refused(update(h, c, { status: "partially_paid", amountPaid: thb("20000") }), AMOUNT);
      await h.refused(update(h, c, { status: "paid", amountPaid: thb("50000") }), AMOUNT); // 005
      await h.refused(update(h, c, { status: "partially_paid", amountPaid: thb("54000") }), AMOUNT);
      await h.refused(
        update(h, c, {
          status: "partially_paid",
          amountAwarded: thb("60000"),
          amountPaid: thb("40000"),
        }),
        AMOUNT, // 006: the award changed
      );
    },
    { covers: ["FRX-REM-005", "FRX-REM-006"] },
  ),

  t(
    "FRX-REM-007",
    async (h) => {
      const c = await filed(h);
      await h.accepted(update(h, c, { status: "awarded", amountAwarded: thb("54000.00") }));
      const paidAt = new Date(Date.now() - 86_400_000).toISOString();
      await h.accepted(
        update(h, c, { status: "partially_paid", amountPaid: thb("30000"), paidAt }),
      );
      await h.accepted(update(h, c, { status: "paid", amountPaid: thb("54000.0000") }, "VS"));
      for (const as of ["LI", "VS"] as const) {
        const [seen] = await claimsSeenBy(h, as, c);
        check(seen, `${h.id(as)}, a party of the claim, does not see it in the case view`);
        same(
          [seen.state, seen.currency, dec(seen.awarded?.amount), dec(seen.paid)],
          ["paid", "THB", "54000", "54000"],
          `the claim as ${h.id(as)} sees it: state, currency, award, total paid`,
        );
        same(
          seen.payments.map((p) => [dec(p.amount), dec(p.total)]),
          [
            ["30000", "30000"],
            ["24000", "54000"],
          ],
          "the instalments: each rise of the total paid, with the difference",
        );
        same(
          instantMs(seen.payments[0]!.at) === instantMs(paidAt),
          true,
          `the first instalment's time (${seen.payments[0]!.at}), the update's paidAt ${paidAt}`,
        );
      }
      same((await claimsSeenBy(h, "POL", c)).length, 0, "claims POL, no party of it, sees");
    },
    { covers: ["FRX-REM-008"] },
  ),
];

function claimWith(h: Harness, status: string) {
  const e = h.envelope("remedy-claim-ok");
  e.body.status = status;
  return e;
}
