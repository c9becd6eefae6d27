import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicy, type PolicyInput } from "../src/policy/check.js";
import type { PolicyContext, PolicyParticipant } from "../src/policy/context.js";
import { vectorDir } from "./vector-files.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit fixture bodies freely
type Message = PolicyInput & { body: Record<string, any>; attachments?: any[] };
const fixture = (type: string): Message =>
  JSON.parse(
    readFileSync(join(vectorDir, "..", "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as Message;

const DOE: PolicyParticipant = {
  id: "TH:DOE",
  node: "TH",
  roles: ["labour_inspectorate"],
  orgType: "LabourInspectorate",
};
/** A ministry with labour inspection and victim services, as LA:MOLSW and KH:MOLVT are in the demo. */
const MINISTRY: PolicyParticipant = {
  id: "TH:MIN",
  node: "TH",
  roles: ["labour_inspectorate", "victim_services"],
  orgType: "CentralGovernmentOrganisation",
};
const IMB: PolicyParticipant = {
  id: "TH:IMB",
  node: "TH",
  roles: ["anti_trafficking_police"],
  orgType: "ImmigrationService",
  immigrationFunctions: true,
};
const ctx = (...recipients: PolicyParticipant[]): PolicyContext => ({
  sender: DOE,
  recipients: recipients.map((r, toIndex) => ({ ...r, toIndex })),
});

describe("the firewall judges a recipient by the capacity it is addressed in (finding 5)", () => {
  const withPassport = (to: Message["to"]) => {
    const m = fixture("referral.create");
    m.body.persons[0].immigration = { passportNumber: "LA1234567" };
    m.to = to;
    return m;
  };

  it("refuses immigration data to a multi-role agency addressed by id, not as victim services", () => {
    const m = withPassport([{ participant: "TH:MIN" }]);
    const violations = checkPolicy(m, ctx(MINISTRY));
    expect(violations).toContainEqual(
      expect.objectContaining({
        pointer: "/body/persons/0/immigration/passportNumber",
        code: "policy.firewall",
      }),
    );
  });

  it("lets immigration data reach the same agency addressed in its victim-services capacity", () => {
    const m = withPassport([{ node: "TH", role: "victim_services" }]);
    expect(checkPolicy(m, ctx(MINISTRY))).toEqual([]);
  });

  it("refuses immigration data to the same agency addressed by role labour_inspectorate", () => {
    const m = withPassport([{ node: "TH", role: "labour_inspectorate" }]);
    expect(checkPolicy(m, ctx(MINISTRY))[0]?.code).toBe("policy.firewall");
  });

  it("still lets a single-role victim-services agency be addressed by id", () => {
    const m = withPassport([{ participant: "TH:DSDW" }]);
    const dsdw = { id: "TH:DSDW", node: "TH", roles: ["victim_services"] } as PolicyParticipant;
    expect(checkPolicy(m, ctx(dsdw))).toEqual([]);
  });
});

describe("evidence and attachments carry sensitivity by kind (finding 5)", () => {
  const toImmigration = (kind: string) => {
    const m = fixture("evidence.provide");
    m.to = [{ participant: "TH:IMB" }];
    m.body.items[0].kind = kind;
    return m;
  };

  for (const kind of [
    "worker_statement",
    "witness_statement",
    "photo_video",
    "identity_document",
    "medical_record",
  ]) {
    it(`refuses a ${kind} item to an agency with immigration functions`, () => {
      const violations = checkPolicy(toImmigration(kind), ctx(IMB));
      expect(violations[0]).toMatchObject({
        code: "policy.immigration-recipient",
        pointer: "/to/0",
      });
    });
  }

  it("lets record evidence about the employer (a payslip ledger, a logbook) reach it", () => {
    expect(checkPolicy(toImmigration("payslip_wage_record"), ctx(IMB))).toEqual([]);
  });

  it("counts an attachment no evidence item describes as person-level", () => {
    const m = toImmigration("payslip_wage_record");
    m.attachments!.push({
      sha256: "a".repeat(64),
      mediaType: "audio/ogg",
      size: 1200,
    });
    const violations = checkPolicy(m, ctx(IMB));
    expect(violations[0]).toMatchObject({ code: "policy.immigration-recipient", pointer: "/to/0" });
    expect(violations.some((v) => v.message.includes("/attachments/2"))).toBe(true);
  });
});
