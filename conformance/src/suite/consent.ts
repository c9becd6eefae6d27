import { check } from "../harness/check.js";
import { section } from "./define.js";
import { refusedAt } from "./policy.js";
import { consentWithdrawOf, openReferral } from "./referrals.js";

const t = section("policy/consent", "core");

export const consentTests = [
  t(
    "FRX-POL-012",
    async (h) => {
      const withoutConsent = h.envelope("case-notify-identified-ok");
      const p = await h.refused(h.sign(withoutConsent), "policy.consent-missing");
      check(
        (p.violations ?? []).some((v) => v.pointer === "/body/persons/0/identified/fullName"),
        `no violation at the name: ${JSON.stringify(p.violations)}`,
      );
      // The same disclosure in a case whose consent is on record.
      const record = h.envelope("consent-record-ok");
      await h.accepted(h.sign(record));
      await h.accepted(h.sign(h.envelope("case-notify-identified-ok", { case: record.case })));
    },
    { covers: ["FRX-POL-013"] },
  ),

  t("FRX-POL-014", async (h) => {
    await refusedAt(
      h,
      "policy-consent-scope-fail",
      "policy.consent-scope",
      "/body/persons/0/identified/fullName",
    );
  }),

  t("FRX-POL-015", async (h) => {
    await refusedAt(
      h,
      "policy-audience-fail",
      "policy.consent-scope",
      "/body/persons/0/identified/fullName",
    );
  }),

  t("FRX-POL-017", async (h) => {
    await refusedAt(
      h,
      "policy-override-invalid-fail",
      "policy.override-invalid",
      "/body/consent/override/approvedBy",
    );
  }),

  t("FRX-POL-018", async (h) => {
    await refusedAt(
      h,
      "policy-consent-expired-fail",
      "policy.consent-missing",
      "/body/persons/0/identified/fullName",
    );
  }),

  t(
    "FRX-POL-019",
    async (h) => {
      const r = await openReferral(h);
      await h.accepted(h.sign(consentWithdrawOf(h, r, 2)));
      const p = await h.refused(
        h.sign(h.envelope("policy-consent-withdrawn-fail", { case: r.caseId })),
        "policy.consent-withdrawn",
      );
      check(
        (p.violations ?? []).some((v) => v.pointer === "/body/traffickingStatusDecisions/0"),
        `no violation at the withdrawn worker's decision: ${JSON.stringify(p.violations)}`,
      );
      // Nothing person-level still passes.
      await h.accepted(h.sign(h.envelope("case-notify-ok", { case: r.caseId })));
    },
    { covers: ["FRX-POL-022"] },
  ),

  t("FRX-POL-020", async (h) => {
    await refusedAt(
      h,
      "policy-consent-withheld-fail",
      "policy.consent-withheld",
      "/body/persons/0/identified/phone",
    );
  }),
];
