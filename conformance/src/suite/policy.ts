import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import type { Problem } from "../harness/problem.js";
import { section } from "./define.js";

const t = section("policy", "core");

/** Refuses the fixture with `code` and checks that a violation names `pointer` with that code. */
export async function refusedAt(
  h: Harness,
  fixture: string,
  code: Parameters<Harness["refused"]>[1],
  pointer: string,
  o: Record<string, unknown> = {},
): Promise<Problem> {
  const p = await h.refused(h.sign(h.envelope(fixture, o)), code);
  const at = (p.violations ?? []).filter((v) => v.pointer === pointer).map((v) => v.code);
  check(
    at.includes(code),
    `expected ${code} at ${pointer}; violations: ${JSON.stringify(p.violations)}`,
  );
  return p;
}

export const policyTests = [
  t(
    "FRX-POL-010",
    async (h) => {
      const p = await refusedAt(
        h,
        "policy-firewall-fail",
        "policy.firewall",
        "/body/persons/0/immigration/passportNumber",
      );
      check(
        (p.violations ?? []).every(
          (v) => v.code !== "policy.firewall" || v.pointer.includes("/immigration"),
        ),
        `the firewall named fields outside the immigration block: ${JSON.stringify(p.violations)}`,
      );
      await refusedAt(h, "policy-suspect-channel-fail", "policy.suspect-channel", "/body/suspects");
      // The firewall is targeted: immigration data may reach victim services, with consent.
      await h.accepted(h.sign(h.envelope("immigration-to-victim-services-ok")));
    },
    { covers: ["FRX-POL-004"] },
  ),

  t("FRX-POL-008", async (h) => {
    await refusedAt(
      h,
      "policy-immigration-recipient-fail",
      "policy.immigration-recipient",
      "/to/0",
    );
    // Nothing person-level: the same agency may be told that a case exists.
    await h.accepted(h.sign(h.envelope("case-notify-to-immigration-ok")));
  }),

  t("FRX-POL-016", async (h) => {
    await refusedAt(
      h,
      "policy-override-immigration-fail",
      "policy.firewall",
      "/body/persons/0/immigration/passportNumber",
    );
  }),

  t("FRX-POL-009", async (h) => {
    await refusedAt(
      h,
      "policy-tier-exceeded-fail",
      "policy.tier-exceeded",
      "/body/persons/0/identified/fullName",
    );
  }),

  t("FRX-POL-005", async (h) => {
    await refusedAt(h, "policy-purpose-mismatch-fail", "policy.purpose-mismatch", "/purpose");
  }),

  t("FRX-POL-006", async (h) => {
    await refusedAt(h, "policy-message-tier-fail", "policy.tier-exceeded", "/tier");
  }),

  t("FRX-POL-007", async (h) => {
    await refusedAt(h, "policy-recipient-role-fail", "policy.purpose-mismatch", "/to/0");
  }),

  t("FRX-POL-011", async (h) => {
    await refusedAt(
      h,
      "policy-complainant-confidential-fail",
      "policy.complainant-confidential",
      "/body/complaint",
    );
    const p = await h.refused(
      h.sign(
        h.envelope("policy-suspect-channel-fail", {
          purpose: "criminal_investigation_trafficking",
        }),
      ),
      "policy.suspect-channel",
    );
    check(
      (p.violations ?? []).some((v) => v.pointer.startsWith("/body/suspects")),
      `no violation at the suspects: ${JSON.stringify(p.violations)}`,
    );
  }),

  t("FRX-POL-021", async (h) => {
    await refusedAt(h, "policy-evidence-channel-fail", "policy.evidence-channel", "/tier");
    const basis = { code: "legal_obligation", reference: "Conformance test basis" };
    await refusedAt(
      h,
      "policy-evidence-channel-fail",
      "policy.evidence-channel",
      "/legalBasis/code",
      { tier: "T3", legalBasis: basis },
    );
  }),

  t(
    "FRX-POL-003",
    async (h) => {
      // The gravest violation (Rule 9) names the refusal: the firewall, not the tier.
      const p = await h.refused(h.sign(h.envelope("policy-several-fail")), "policy.firewall");
      const found = new Set((p.violations ?? []).map((v) => `${v.code} ${v.pointer}`));
      for (const expected of [
        "policy.tier-exceeded /body/persons/0/identified/fullName",
        "policy.consent-missing /body/persons/0/identified/fullName",
        "policy.tier-exceeded /body/persons/0/immigration/passportNumber",
        "policy.firewall /body/persons/0/immigration/passportNumber",
      ])
        check(found.has(expected), `violation ${expected} is not named: ${[...found].join("; ")}`);
    },
    { covers: ["FRX-ENV-023"] },
  ),
  t("FRX-POL-028", async (h) => {
    await refusedAt(h, "policy-small-cell-fail", "policy.tier-exceeded", "/body/cells/0/value");
    // Suppressed, but the value is still there.
    const cells = [
      { dimensions: { country: h.node.id }, metric: "referrals_sent", value: 5, suppressed: true },
    ];
    const base = h.envelope("stats-report-ok");
    const p = await h.refused(
      h.sign({ ...base, body: { ...base.body, cells } }),
      "policy.tier-exceeded",
    );
    check(
      (p.violations ?? []).some((v) => v.pointer === "/body/cells/0/value"),
      `no violation at the cell: ${JSON.stringify(p.violations)}`,
    );
    await h.accepted(h.sign(h.envelope("stats-report-ok")));
  }),
];
