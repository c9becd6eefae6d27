import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicy, type PolicyInput } from "../src/policy/check.js";
import type { ConsentView, PolicyContext, PolicyParticipant } from "../src/policy/context.js";
import { vectorDir } from "./vector-files.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit fixture bodies freely
type Message = PolicyInput & { body: Record<string, any> };
const fixture = (type: string): Message =>
  JSON.parse(
    readFileSync(join(vectorDir, "..", "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as Message;

const DOE: PolicyParticipant = { id: "TH:DOE", node: "TH", roles: ["labour_inspectorate"] };
const DSDW: PolicyParticipant = { id: "TH:DSDW", node: "TH", roles: ["victim_services"] };
const P1 = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";
const P2 = "pp_Kh7sPq2Lm9Xr4Tw8Yz3Vb6Nc";

/** A referral carrying two workers, the second identified by name. */
function twoWorkers(): Message {
  const m = fixture("referral.create");
  const first = m.body.persons[0];
  m.body.persons.push({
    ...structuredClone(first),
    personRef: P2,
    identified: { fullName: "Sok Dara" },
  });
  delete m.body.persons[0].health;
  delete m.body.persons[1].health;
  return m;
}
const consentOf = (m: Message, personRef: string, extra: Partial<ConsentView> = {}) =>
  ({
    ...m.body.consent,
    consentId: "01KH3BA6R0Y11DTPWJE1E8FNF9",
    personRef,
    ...extra,
  }) as ConsentView;

const ctx = (consents: Record<string, ConsentView> = {}): PolicyContext => ({
  sender: DOE,
  recipients: [{ ...DSDW, toIndex: 0 }],
  consents,
});

describe("consent is per person (finding 4)", () => {
  it("does not let one worker's consent authorise another worker's identity", () => {
    const violations = checkPolicy(twoWorkers(), ctx());
    expect(violations).toContainEqual(
      expect.objectContaining({
        pointer: "/body/persons/1/identified/fullName",
        code: "policy.consent-missing",
      }),
    );
    expect(violations.some((v) => v.pointer.startsWith("/body/persons/0/"))).toBe(false);
  });

  it("lets the second worker's identity go under the second worker's own consent on record", () => {
    const m = twoWorkers();
    expect(checkPolicy(m, ctx({ [P2]: consentOf(m, P2) }))).toEqual([]);
  });

  it("silences only the worker who withdrew, not the others in the case", () => {
    const m = twoWorkers();
    const withdrawn = consentOf(m, P2, { withdrawn: { at: "2026-03-01T10:00:00Z" } });
    const violations = checkPolicy(m, ctx({ [P2]: withdrawn }));
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.pointer.startsWith("/body/persons/1"))).toBe(true);
    expect(violations[0]!.code).toBe("policy.consent-withdrawn");
  });

  it("does not let a message's own consent lift the withdrawal on record for its person", () => {
    const m = fixture("referral.create");
    const withdrawn = consentOf(m, P1, { withdrawn: { at: "2026-03-01T10:00:00Z" } });
    expect(checkPolicy(m, ctx({ [P1]: withdrawn }))[0]?.code).toBe("policy.consent-withdrawn");
  });

  it("does not apply a consent without personRef to a message about several workers", () => {
    const m = twoWorkers();
    delete m.body.consent.personRef;
    const codes = checkPolicy(m, ctx()).map((v) => `${v.pointer} ${v.code}`);
    expect(codes).toContain("/body/persons/0/identified/fullName policy.consent-missing");
    expect(codes).toContain("/body/persons/1/identified/fullName policy.consent-missing");
  });
});
