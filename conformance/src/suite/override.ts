import { createSigner, signOverrideApproval } from "@frx/spec";
import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import type { AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";

const t = section("policy/consent-override", "core");
const FIXTURE = "policy-override-invalid-fail";

/** The fixture's overridden referral, approved by `approvedBy` and, when given, signed by `signer`. */
function overridden(h: Harness, approvedBy: string, signer?: AgencyName) {
  const env = h.envelope(FIXTURE);
  const consent = env.body.consent as { override: Record<string, unknown> };
  consent.override.approvedBy = approvedBy;
  if (signer) consent.override.approval = signOverrideApproval(env, createSigner(h.key(signer)));
  return env;
}

const refusedWith = async (h: Harness, env: object, member: "approvedBy" | "approval") => {
  const p = await h.refused(h.sign(env), "policy.override-invalid");
  const pointer = `/body/consent/override/${member}`;
  check(
    (p.violations ?? []).some((v) => v.pointer === pointer && v.code === "policy.override-invalid"),
    `no policy.override-invalid at ${pointer}: ${JSON.stringify(p.violations)}`,
  );
};

export const overrideTests = [
  t("FRX-POL-032", async (h) => {
    // An approver that exists nowhere, then a registered agency without the consent_override power.
    await refusedWith(h, overridden(h, `${h.node.id}:CONF-GHOST`), "approvedBy");
    await refusedWith(h, overridden(h, h.id("POL"), "POL"), "approvedBy");
  }),
  t("FRX-POL-033", async (h) => {
    // The empowered approver named but never asked; then its name over the sender's signature.
    await refusedWith(h, overridden(h, h.id("VS")), "approval");
    await refusedWith(h, overridden(h, h.id("VS"), "LI"), "approval");
    // An approval given for another envelope.
    const other = overridden(h, h.id("VS"), "VS");
    const copied = overridden(h, h.id("VS"));
    (copied.body.consent as { override: Record<string, unknown> }).override.approval = (
      other.body.consent as { override: Record<string, unknown> }
    ).override.approval;
    await refusedWith(h, copied, "approval");
    await h.accepted(h.sign(overridden(h, h.id("VS"), "VS")));
  }),
];
