import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const refusal = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  const body = (await res.json()) as { code?: string; violations?: Array<{ pointer: string }> };
  return { status: res.status, code: body.code, at: body.violations?.map((v) => v.pointer) };
};
const employer = () => fixture("case.notify").body.employer;

describe("viewProfile bounds a referral, and shareableWith bounds evidence (FRX-POL-034 to FRX-POL-036)", () => {
  it("refuses a member the view profile does not grant", async () => {
    const env = fixture("referral.create");
    env.body.employer = employer();
    expect(await refusal(env)).toEqual({
      status: 422,
      code: "policy.view-profile",
      at: ["/body/employer"],
    });
  });

  it("refuses a profile its recipient may not be granted, even when every member is in it", async () => {
    const env = fixture("referral.create");
    env.body.viewProfile = "inspector_case";
    expect(await refusal(env)).toEqual({
      status: 422,
      code: "policy.view-profile",
      at: ["/body/viewProfile"],
    });
  });

  it("refuses evidence sent for a purpose one of its items is not shareable with", async () => {
    const env = fixture("evidence.provide");
    env.purpose = "remedy_claim";
    env.to = [{ participant: "TH:DOE-REG" }];
    delete env.attachments;
    expect(await refusal(env)).toEqual({
      status: 422,
      code: "policy.purpose-mismatch",
      at: ["/body/items/1/shareableWith"],
    });
  });

  it("accepts the referral fixture as its profile allows", async () => {
    expect((await t.submit(t.sign(fixture("referral.create")))).status).toBe(201);
  });
});
