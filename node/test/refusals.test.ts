import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

type Problem = { code: string; violations?: Array<{ pointer: string; code: string }> };
const problem = async (res: Response) => ({
  status: res.status,
  ...((await res.json()) as Problem),
});
const referral = () =>
  fixture("referral.create") as ReturnType<typeof fixture> & {
    body: { persons: Array<Record<string, unknown>>; consent: Record<string, unknown> };
  };

describe("policy refusals name every offending pointer", () => {
  it("blocks an immigration-tagged field sent to the police (the firewall)", async () => {
    const env = referral();
    env.body.persons[0]!.immigration = { status: "irregular", passportNumber: "LA1234567" };
    env.to = [{ participant: "TH:ATPD" }];
    env.purpose = "criminal_investigation_trafficking";
    const p = await problem(await t.submit(t.sign(env)));
    expect(p.status).toBe(422);
    expect(p.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: "policy.firewall",
          pointer: "/body/persons/0/immigration/passportNumber",
        }),
        expect.objectContaining({
          code: "policy.firewall",
          pointer: "/body/persons/0/immigration/status",
        }),
      ]),
    );
  });

  it("lets a passport number go to victim services for assistance the worker consented to", async () => {
    const env = referral();
    env.body.persons[0]!.immigration = { passportNumber: "LA1234567" };
    expect((await t.submit(t.sign(env))).status).toBe(201);
  });

  it.each([
    [
      "person-level data to a participant with immigration functions",
      "policy.immigration-recipient",
      (e: ReturnType<typeof referral>) => void (e.to = [{ participant: "TH:IMB" }]),
    ],
    [
      "an identified worker at tier T1",
      "policy.tier-exceeded",
      (e: ReturnType<typeof referral>) => void (e.tier = "T1"),
    ],
    [
      "identity without consent to disclosure",
      "policy.consent-scope",
      (e: ReturnType<typeof referral>) =>
        void ((e.body.consent.flags as Record<string, boolean>).disclosure = false),
    ],
    [
      "a withheld home address",
      "policy.consent-withheld",
      (e: ReturnType<typeof referral>) =>
        void ((e.body.persons[0]!.identified as Record<string, unknown>).homeAddress = "12 Soi 4"),
    ],
    [
      "a complaint revealed to victim services",
      "policy.complainant-confidential",
      (e: ReturnType<typeof referral>) => void (e.body.complaint = { triggeredByComplaint: true }),
    ],
    [
      "a self-approved consent override",
      "policy.override-invalid",
      (e: ReturnType<typeof referral>) =>
        void (e.body.consent.override = {
          reason: "vital_interest",
          approvedBy: "TH:DOE",
          approvedAt: "2026-03-02T08:00:00Z",
          justification: "Risk to life.",
          scope: ["/persons/0"],
        }),
    ],
  ])("refuses %s with %s", async (_, code, change) => {
    const env = referral();
    change(env);
    const p = await problem(await t.submit(t.sign(env)));
    expect(p.status).toBe(422);
    expect(p.code).toBe(code);
    expect(p.violations!.map((v) => v.code)).toContain(code);
  });

  it("refuses statistics sent for another purpose", async () => {
    const env = fixture("stats.report");
    env.from = "TH:NCC";
    env.to = [{ participant: "TH:DOE" }];
    env.purpose = "labour_inspection";
    expect(await problem(await t.submit(t.sign(env)))).toMatchObject({
      status: 422,
      code: "policy.purpose-mismatch",
      violations: [{ pointer: "/purpose" }],
    });
  });

  it("refuses a worker's data once consent for the case was withdrawn", async () => {
    const env = referral();
    await t.submit(t.sign(env));
    const withdraw = fixture("consent.withdraw");
    Object.assign(withdraw, {
      from: "TH:DOE",
      to: [{ participant: "TH:DSDW" }],
      case: env.case,
      referral: env.referral,
      sequence: 2,
    });
    // A withdrawal of disclosure (FRX-POL-022); one of reporting alone leaves disclosure standing.
    withdraw.body = { ...withdraw.body, scope: ["disclosure"] };
    expect((await t.submit(t.sign(withdraw))).status).toBe(201);
    const again = {
      ...referral(),
      id: "01KJPWGVT06F3AHQXK8TNA5AAA",
      referral: "01KJPWGVT00H3GW7D0FZQ4NAAA",
    };
    expect(await problem(await t.submit(t.sign(again)))).toMatchObject({
      status: 422,
      code: "policy.consent-withdrawn",
    });
  });
});

describe("state refusals", () => {
  const accept = () => {
    const env = fixture("referral.accept");
    const create = referral();
    return Object.assign(env, {
      from: "TH:DSDW",
      to: [{ participant: "TH:DOE" }],
      case: create.case,
      referral: create.referral,
      sequence: 2,
    });
  };

  /** TH:DOE, the case's owner, addresses TH:DSDW in the case: DSDW becomes a party (FRX-MSG-010). */
  const introduce = async () => {
    const update = Object.assign(fixture("case.update"), {
      id: "01KJPWGVT06F3AHQXK8TNA5DDD",
      from: "TH:DOE",
      to: [{ participant: "TH:DSDW" }],
      case: referral().case,
    });
    expect((await t.submit(t.sign(update))).status).toBe(201);
  };

  it("refuses a decision on a referral this node has never seen", async () => {
    await introduce();
    expect(await problem(await t.submit(t.sign(accept())))).toMatchObject({
      status: 409,
      code: "state.referral-unknown",
    });
  });

  it("refuses acceptance by the referrer, a stale sequence, and a transition the state does not allow", async () => {
    await t.submit(t.sign(referral()));
    const byReferrer = { ...accept(), from: "TH:DOE", to: [{ participant: "TH:DSDW" }] };
    expect(await problem(await t.submit(t.sign(byReferrer)))).toMatchObject({
      status: 409,
      code: "state.actor-forbidden",
    });
    expect(
      await problem(
        await t.submit(t.sign({ ...accept(), id: "01KJPWGVT06F3AHQXK8TNA5BBB", sequence: 5 })),
      ),
    ).toMatchObject({ status: 409, code: "state.sequence-conflict" });
    const close = Object.assign(fixture("referral.close"), {
      from: "TH:DSDW",
      to: [{ participant: "TH:DOE" }],
      case: referral().case,
      referral: referral().referral,
      sequence: 2,
    });
    expect(await problem(await t.submit(t.sign(close)))).toMatchObject({
      status: 409,
      code: "state.transition-forbidden",
    });
  });

  it("refuses a second referral.create for an existing referral", async () => {
    await t.submit(t.sign(referral()));
    expect(
      await problem(await t.submit(t.sign({ ...referral(), id: "01KJPWGVT06F3AHQXK8TNA5CCC" }))),
    ).toMatchObject({ status: 409, code: "state.referral-exists" });
  });

  it("records every refusal in the audit log with its code", async () => {
    await introduce();
    await t.submit(t.sign(accept()));
    const entries = (await t.node.ctx.store.range<{ kind: string; code?: string }>("audit")).map(
      ([, e]) => e,
    );
    expect(entries.filter((e) => e.kind === "refused").map((e) => e.code)).toContain(
      "state.referral-unknown",
    );
  });
});
