import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";
import { refusedAt } from "./policy.js";

const t = section("policy/persons", "core");

const WORKER_2 = "pp_ConformanceTestWorker002";

/** A consent.record of LI's for `personRef` in `caseId`, with its own consent id. */
function recordFor(h: Harness, caseId: string, personRef: string, consentId: string) {
  const env = h.envelope("consent-record-ok", { case: caseId });
  const consent = (env.body as { consent: Record<string, unknown> }).consent;
  consent.personRef = personRef;
  consent.consentId = consentId;
  return env;
}

/** A case.notify naming `personRef` by name, to VS, in `caseId`. */
function naming(h: Harness, caseId: string, personRef: string) {
  const env = h.envelope("case-notify-identified-ok", { case: caseId });
  const persons = (env.body as { persons: Array<Record<string, unknown>> }).persons;
  persons[0]!.personRef = personRef;
  return env;
}

export const firewallPersonsTests = [
  t("FRX-POL-038", async (h) => {
    await refusedAt(
      h,
      "evidence-statement-to-immigration-fail",
      "policy.immigration-recipient",
      "/to/0",
    );
    // The same item as record evidence about the employer may go.
    const records = h.envelope("evidence-statement-to-immigration-fail");
    (records.body as { items: Array<{ kind: string }> }).items[0]!.kind = "payslip_wage_record";
    await h.accepted(h.sign(records));
  }),

  t(
    "FRX-POL-039",
    async (h) => {
      const first = h.envelope("consent-record-ok");
      await h.accepted(h.sign(first));
      const caseId = first.case!;
      // The first worker's consent does not cover the second worker.
      const p = await h.refused(h.sign(naming(h, caseId, WORKER_2)), "policy.consent-missing");
      check(
        (p.violations ?? []).some((v) => v.pointer === "/body/persons/0/identified/fullName"),
        `no violation at the second worker's name: ${JSON.stringify(p.violations)}`,
      );
      // Each worker under their own consent; the second's withdrawal leaves the first's standing.
      const second = recordFor(h, caseId, WORKER_2, ulid());
      await h.accepted(h.sign(second));
      const withdraw = h.envelope("consent-withdraw-ok", {
        case: caseId,
        referral: undefined,
        sequence: undefined,
      });
      (withdraw.body as { consentId: string }).consentId = (
        second.body as { consent: { consentId: string } }
      ).consent.consentId;
      await h.accepted(h.sign(withdraw));
      await h.refused(h.sign(naming(h, caseId, WORKER_2)), "policy.consent-withdrawn");
      await h.accepted(h.sign(naming(h, caseId, "pp_ConformanceTestWorker001")));
    },
    { covers: ["FRX-POL-040", "FRX-POL-022"] },
  ),

  t("FRX-POL-041", async (h) => {
    const env = h.envelope("consent-record-ok");
    delete (env.body as { consent: Record<string, unknown> }).consent.personRef;
    const p = await h.refused(h.sign(env), "policy.consent-person-missing");
    check(
      (p.violations ?? []).some((v) => v.pointer === "/body/consent"),
      `no violation at /body/consent: ${JSON.stringify(p.violations)}`,
    );
  }),

  t("FRX-POL-042", async (h) => {
    const first = h.envelope("consent-record-ok");
    await h.accepted(h.sign(first));
    // VS is a party (LI addressed it) but did not obtain the worker's consent.
    const widened = h.envelope("consent-record-ok", {
      case: first.case,
      from: h.id("VS"),
      to: [{ participant: h.id("LI") }],
    });
    (widened.body as { consent: { audiences: string[] } }).consent.audiences = [
      "domestic_authorities",
      "foreign_authorities",
      "service_providers",
      "other_organisations",
    ];
    await h.refused(h.sign(widened), "consent.not-obtainer");
  }),

  t("FRX-POL-043", async (h) => {
    const first = h.envelope("consent-record-ok");
    await h.accepted(h.sign(first));
    const withdraw = h.envelope("consent-withdraw-ok", {
      case: first.case,
      referral: undefined,
      sequence: undefined,
    });
    // A consent id no consent on record has.
    (withdraw.body as { consentId: string }).consentId = ulid();
    const p = await h.refused(h.sign(withdraw), "consent.unknown");
    check(
      (p.violations ?? []).some((v) => v.pointer === "/body/consentId"),
      `no violation at /body/consentId: ${JSON.stringify(p.violations)}`,
    );
  }),
];
