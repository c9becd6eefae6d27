import { signOverrideApproval } from "../../src/policy/override-approval.js";
import type { Envelope, Fixture, Vector } from "./envelope.js";
import { jwksOf, signerFor, type TestKeys } from "./keys.js";

/**
 * Four-eyes vectors (FRX-POL-032, FRX-POL-033): a referral whose consent override is approved
 * by the national coordinator, the approver's entry in the sender's node's directory
 * (`approver`, absent when it lists none), the keys of that directory (`jwks`), and the
 * verdict. Each failing vector changes one thing in the approved base.
 */
export function overrideVectors(keys: TestKeys, fixture: Fixture): Record<string, Vector> {
  const out: Record<string, Vector> = {};
  const NCC = { id: "TH:NCC", status: "active", powers: ["consent_override"] };
  const add = (
    name: string,
    description: string,
    envelope: Envelope,
    approver: typeof NCC | undefined,
    expect: Vector["expect"],
  ) => {
    out[`override/${name}.json`] = {
      id: `override/${name}`,
      description,
      envelope,
      ...(approver ? { approver } : {}),
      jwks: jwksOf(keys),
      expect,
    };
  };
  const override = (env: Envelope) =>
    (env.body.consent as { override: Record<string, unknown> }).override;
  /** The referral fixture without consent to disclosure, overridden for the worker's identity. */
  const draft = (approvedBy = "TH:NCC"): Envelope => {
    const env = fixture("referral.create");
    const consent = env.body.consent as Record<string, unknown>;
    (consent.flags as Record<string, boolean>).disclosure = false;
    consent.override = {
      reason: "vital_interest",
      approvedBy,
      approvedAt: "2026-03-02T08:55:00Z",
      justification: "Risk to life: the worker is held on a vessel at sea.",
      scope: ["/persons/0/identified"],
    };
    return env;
  };
  const approved = (env: Envelope, signer = "TH:NCC"): Envelope => {
    override(env).approval = signOverrideApproval(env, signerFor(keys, signer));
    return env;
  };
  const fail = (pointer: string) => ({
    valid: false,
    code: "policy.override-invalid",
    pointer: `/body/consent/override/${pointer}`,
  });

  add(
    "override-approved-ok",
    "An override approved by the national coordinator, which holds consent_override, signed over this override in this envelope.",
    approved(draft()),
    NCC,
    { valid: true },
  );
  add(
    "override-approver-unknown-fail",
    "An override whose approver the sender's node's directory does not list.",
    approved(draft("TH:NOBODY"), "TH:NCC"),
    undefined,
    fail("approvedBy"),
  );
  add(
    "override-approver-powerless-fail",
    "An override approved by a registered agency without the consent_override power.",
    approved(draft()),
    { ...NCC, powers: ["victim_protection"] },
    fail("approvedBy"),
  );
  add(
    "override-approver-disabled-fail",
    "An override approved by a disabled participant.",
    approved(draft()),
    { ...NCC, status: "disabled" },
    fail("approvedBy"),
  );
  add(
    "override-approval-missing-fail",
    "An override that names its approver but carries no approval signature.",
    draft(),
    NCC,
    fail("approval"),
  );
  add(
    "override-approval-forged-fail",
    "An approval the sender signed itself with its own key, in the approver's name.",
    approved(draft(), "TH:DOE"),
    NCC,
    fail("approval"),
  );
  {
    const other = approved(draft());
    const env = draft();
    env.id = "01KJPY00000000000000000000";
    override(env).approval = override(other).approval;
    add(
      "override-approval-replayed-fail",
      "A genuine approval given for another envelope, copied into this one.",
      env,
      NCC,
      fail("approval"),
    );
  }
  {
    const env = approved(draft());
    override(env).scope = ["/persons/0/identified", "/persons/0/location"];
    add(
      "override-approval-widened-fail",
      "An approved override whose scope the sender widened after the approver signed.",
      env,
      NCC,
      fail("approval"),
    );
  }
  return out;
}
