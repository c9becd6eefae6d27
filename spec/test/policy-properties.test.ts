import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  purposeValues,
  roleValues,
  tierValues,
  type Purpose,
  type Role,
  type Tier,
} from "../src/generated/codes.js";
import { checkPolicy, type PolicyInput } from "../src/policy/check.js";
import type { ConsentView, PolicyContext, PolicyParticipant } from "../src/policy/context.js";
import { sensitiveFields } from "../src/policy/fields.js";
import { vectorDir } from "./vector-files.js";

const base = JSON.parse(
  readFileSync(join(vectorDir, "..", "fixtures", "messages", "referral.create-ok.json"), "utf8"),
) as PolicyInput & {
  body: { persons: Array<Record<string, unknown>>; consent: Record<string, unknown> };
};

/** Mostly `likely`, sometimes anything: permissive values are common enough that passing envelopes get examined. */
const often = <T>(likely: T, any: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(likely), weight: 3 }, { arbitrary: any, weight: 1 });
const ALL_AUDIENCES = [
  "family",
  "domestic_authorities",
  "foreign_authorities",
  "service_providers",
  "other_organisations",
];

const participant = fc.record({
  id: fc.constantFrom("TH:A", "TH:B", "LA:C", "KH:D"),
  node: fc.constantFrom("TH", "LA", "KH"),
  roles: often(
    ["victim_services"] as Role[],
    fc.uniqueArray(fc.constantFrom(...roleValues), { minLength: 1, maxLength: 3 }),
  ),
  orgType: often(
    "NGO",
    fc.constantFrom(
      "LabourInspectorate",
      "LawEnforcement",
      "ImmigrationService",
      "NGO",
      "CentralGovernmentOrganisation",
    ),
  ),
  immigrationFunctions: often(false, fc.boolean()),
}) as fc.Arbitrary<PolicyParticipant>;

const flags = often(
  { services: true, disclosure: true, reporting: true, tracing: true },
  fc.record({
    services: fc.boolean(),
    disclosure: fc.boolean(),
    reporting: fc.boolean(),
    tracing: fc.boolean(),
  }),
);
const audiences = often(
  ALL_AUDIENCES,
  fc.uniqueArray(fc.constantFrom(...ALL_AUDIENCES), { maxLength: 5 }),
);

/** A referral.create whose purpose, tier, recipients, consent and person fields vary at random. */
const scenario = fc.record({
  purpose: often("victim_assistance", fc.constantFrom(...purposeValues)) as fc.Arbitrary<Purpose>,
  tier: often("T2", fc.constantFrom(...tierValues)) as fc.Arbitrary<Tier>,
  sender: participant,
  recipients: fc.array(participant, { minLength: 1, maxLength: 2 }),
  flags,
  audiences,
  withImmigration: fc.boolean(),
  withIdentity: fc.boolean(),
  withdrawn: often(false, fc.boolean()),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

function build(s: Scenario): { message: PolicyInput; context: PolicyContext } {
  const message = structuredClone(base);
  message.purpose = s.purpose;
  message.tier = s.tier;
  message.to = s.recipients.map((r) => ({ participant: r.id }));
  const person = message.body.persons[0]!;
  if (!s.withIdentity) delete person.identified;
  if (s.withImmigration) person.immigration = { status: "irregular", passportNumber: "LA7654321" };
  message.body.consent = {
    ...message.body.consent,
    flags: s.flags,
    audiences: s.audiences,
    withheldItems: [],
  };
  return {
    message,
    context: {
      sender: s.sender,
      recipients: s.recipients.map((r, toIndex) => ({ ...r, toIndex })),
      ...(s.withdrawn
        ? {
            consents: {
              [message.body.consent.personRef as string]: {
                ...(message.body.consent as unknown as ConsentView),
                withdrawn: { at: "2026-03-01T10:00:00Z" },
              },
            },
          }
        : {}),
    },
  };
}

const rank = (t: Tier) => tierValues.indexOf(t);
const audienceOf = (sender: PolicyParticipant, r: PolicyParticipant) =>
  r.roles.includes("victim_services" as Role)
    ? "service_providers"
    : r.node !== sender.node
      ? "foreign_authorities"
      : "domestic_authorities";

describe("policy properties over generated envelopes", () => {
  it("never lets an immigration-tagged field through unless every condition of the firewall holds", () => {
    let examined = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { message, context } = build(s);
        const passed = checkPolicy(message, context).length === 0;
        const hasImmigration = sensitiveFields(message).some((f) => f.tags.includes("immigration"));
        if (!passed || !hasImmigration) return;
        examined++;
        // It passed with immigration data: then the purpose, tier, recipients and consent all allow it.
        expect(s.purpose).toBe("victim_assistance");
        expect(rank(s.tier)).toBeGreaterThanOrEqual(rank("T2"));
        expect(
          s.recipients.every(
            (r) =>
              r.roles.includes("victim_services") &&
              !r.immigrationFunctions &&
              r.orgType !== "ImmigrationService",
          ),
        ).toBe(true);
        expect(s.flags.services && s.flags.disclosure).toBe(true);
        expect(s.recipients.every((r) => s.audiences.includes(audienceOf(s.sender, r)))).toBe(true);
        expect(s.withdrawn).toBe(false);
      }),
      { numRuns: 2000 },
    );
    // The property is only as good as the passing cases it saw.
    expect(examined).toBeGreaterThan(20);
  });

  it("never lets identity fields through below T2, without disclosure consent, to an audience the worker did not name, or after withdrawal", () => {
    let examined = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { message, context } = build(s);
        const passed = checkPolicy(message, context).length === 0;
        const hasIdentity = sensitiveFields(message).some((f) => f.tags.includes("identity"));
        if (!passed || !hasIdentity) return;
        examined++;
        expect(rank(s.tier)).toBeGreaterThanOrEqual(rank("T2"));
        expect(s.flags.disclosure).toBe(true);
        expect(s.recipients.every((r) => s.audiences.includes(audienceOf(s.sender, r)))).toBe(true);
        expect(s.withdrawn).toBe(false);
      }),
      { numRuns: 2000 },
    );
    expect(examined).toBeGreaterThan(20);
  });

  it("never sends any person-level data to a recipient with immigration functions, whatever else is true", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { message, context } = build(s);
        const immigrationRecipient = s.recipients.findIndex(
          (r) => r.immigrationFunctions || r.orgType === "ImmigrationService",
        );
        if (immigrationRecipient < 0) return;
        const violations = checkPolicy(message, context);
        expect(violations).toContainEqual(
          expect.objectContaining({
            code: "policy.immigration-recipient",
            pointer: `/to/${immigrationRecipient}`,
          }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("names a JSON pointer that exists in the envelope for every violation at a field", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { message, context } = build(s);
        for (const v of checkPolicy(message, context)) {
          const value = v.pointer
            .split("/")
            .slice(1)
            .reduce<unknown>(
              (node, token) =>
                (node as Record<string, unknown> | undefined)?.[
                  token.replace(/~1/g, "/").replace(/~0/g, "~")
                ],
              message,
            );
          expect(value, `${v.code} at ${v.pointer}`).not.toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });
});
