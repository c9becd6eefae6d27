import { signOverrideApproval } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

type Override = Record<string, unknown>;
/** The referral fixture without consent to disclosure, its worker's identity shared under an override. */
function overridden(approvedBy: string): Envelope & { body: { consent: { override: Override } } } {
  const env = fixture("referral.create") as Envelope & {
    body: { consent: { flags: Record<string, boolean>; override: Override } };
  };
  env.body.consent.flags.disclosure = false;
  env.body.consent.override = {
    reason: "vital_interest",
    approvedBy,
    approvedAt: "2026-03-02T08:55:00Z",
    justification: "Risk to life: the worker is held on a vessel at sea.",
    scope: ["/persons/0"],
  };
  return env;
}
const approve = (env: ReturnType<typeof overridden>, signer: string) => {
  env.body.consent.override.approval = signOverrideApproval(
    { ...env, from: String(env.from) },
    t.agencies.get(signer)!.signer,
  );
  return env;
};

const refusal = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  const body = (await res.json()) as { code?: string; violations?: Array<{ pointer: string }> };
  return { status: res.status, code: body.code, at: body.violations?.map((v) => v.pointer) };
};
const at = (member: string) => [`/body/consent/override/${member}`];

describe("the four-eyes consent override is a signature, not a claim (FRX-POL-032, FRX-POL-033)", () => {
  it("refuses an override approved by an id that exists nowhere", async () => {
    expect(await refusal(overridden("TH:GHOST"))).toEqual({
      status: 422,
      code: "policy.override-invalid",
      at: at("approvedBy"),
    });
  });

  it("refuses an override approved, and signed, by a registered agency without the override power", async () => {
    expect(await refusal(approve(overridden("TH:DSDW"), "TH:DSDW"))).toEqual({
      status: 422,
      code: "policy.override-invalid",
      at: at("approvedBy"),
    });
  });

  it("refuses an override naming an empowered approver that never signed it, or signed by the sender", async () => {
    expect(await refusal(overridden("TH:NCC"))).toEqual({
      status: 422,
      code: "policy.override-invalid",
      at: at("approval"),
    });
    expect(await refusal(approve(overridden("TH:NCC"), "TH:DOE"))).toEqual({
      status: 422,
      code: "policy.override-invalid",
      at: at("approval"),
    });
  });

  it("refuses an approval widened after signing, and accepts the override as approved", async () => {
    const widened = approve(overridden("TH:NCC"), "TH:NCC");
    widened.body.consent.override.scope = ["/persons/0", "/summary"];
    expect(await refusal(widened)).toEqual({
      status: 422,
      code: "policy.override-invalid",
      at: at("approval"),
    });
    expect((await t.submit(t.sign(approve(overridden("TH:NCC"), "TH:NCC")))).status).toBe(201);
  });
});
