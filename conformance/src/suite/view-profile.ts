import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";

const t = section("policy/view-profile", "core");

/** Submits `env`, expects a refusal with `code`, and a violation with that code at `pointer`. */
async function refusedAt(
  h: Harness,
  env: object,
  code: "policy.view-profile" | "policy.purpose-mismatch",
  pointer: string,
) {
  const p = await h.refused(h.sign(env), code);
  check(
    (p.violations ?? []).some((v) => v.pointer === pointer && v.code === code),
    `expected ${code} at ${pointer}; violations: ${JSON.stringify(p.violations)}`,
  );
}

const employer = (h: Harness) => ({
  legalName: "Conformance Test Fishing Co., Ltd.",
  registrationNumber: "CONF-0001",
  registrationCountry: h.node.id,
});

export const viewProfileTests = [
  t("FRX-POL-034", async (h) => {
    const env = h.envelope("referral-create-ok");
    await refusedAt(
      h,
      { ...env, body: { ...env.body, employer: employer(h) } },
      "policy.view-profile",
      "/body/employer",
    );
  }),
  t("FRX-POL-035", async (h) => {
    const env = h.envelope("referral-create-ok");
    await refusedAt(
      h,
      { ...env, body: { ...env.body, viewProfile: "inspector_case" } },
      "policy.view-profile",
      "/body/viewProfile",
    );
  }),
  t("FRX-POL-036", async (h) => {
    await h.accepted(h.sign(h.envelope("evidence-provide-ok")));
    const forRemedy = h.envelope("evidence-provide-ok", {
      purpose: "remedy_claim",
      to: [{ participant: h.id("VS") }],
    });
    const item = (forRemedy.body.items as Array<Record<string, unknown>>)[0]!;
    item.shareableWith = ["criminal_investigation_trafficking"];
    await refusedAt(h, forRemedy, "policy.purpose-mismatch", "/body/items/0/shareableWith");
  }),
];
