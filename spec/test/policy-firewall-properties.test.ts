import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  audienceValues,
  evidenceKindValues,
  purposeValues,
  roleValues,
  tierValues,
  type Role,
} from "../src/generated/codes.js";
import { checkPolicy, type PolicyInput } from "../src/policy/check.js";
import type { ConsentView, PolicyContext, PolicyParticipant } from "../src/policy/context.js";
import { sensitiveFields } from "../src/policy/fields.js";
import { vectorDir } from "./vector-files.js";

/**
 * Issue 11's guarantees as properties over generated directories (any mix of roles and
 * immigration functions, several nodes), purposes, tiers, persons, consents and evidence:
 * no person-level field or evidence reaches an agency with immigration functions; no
 * person's field that needs consent passes without that person's consent or an override;
 * immigration data only to a recipient addressed as victim services; a withdrawal changes
 * nothing at another person's fields.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit fixture bodies freely
type Message = PolicyInput & { body: Record<string, any>; attachments?: any[] };
const load = (type: string): Message =>
  JSON.parse(
    readFileSync(join(vectorDir, "..", "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as Message;
const REFERRAL = load("referral.create");
const EVIDENCE = load("evidence.provide");
/** The kinds issue 11 names as person-level, written out here, not read from rules.json. */
const PERSON_LEVEL_KINDS = new Set([
  "worker_statement",
  "witness_statement",
  "identity_document",
  "identity_document_retention_record",
  "medical_record",
  "photo_video",
  "digital_communication",
  "other",
]);
const PERSON_LEVEL_TAGS = [
  "pseudonym",
  "identity",
  "immigration",
  "health",
  "location-precise",
  "suspect",
];
const CONSENT_TAGS = ["identity", "immigration", "health", "location-precise"];
const REFS = [
  "pp_AAAAAAAAAAAAAAAAAAAAAAA1",
  "pp_AAAAAAAAAAAAAAAAAAAAAAA2",
  "pp_AAAAAAAAAAAAAAAAAAAAAAA3",
];

/** Mostly `likely`, sometimes anything: permissive values are common enough that passing envelopes get examined. */
const often = <T>(likely: T, any: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(likely), weight: 2 }, { arbitrary: any, weight: 1 });
const anyAgency = fc.record({
  node: fc.constantFrom("TH", "LA", "KH"),
  roles: fc.uniqueArray(fc.constantFrom(...roleValues), { minLength: 1, maxLength: 3 }),
  orgType: fc.constantFrom(
    "LabourInspectorate",
    "CentralGovernmentOrganisation",
    "LawEnforcement",
    "ImmigrationService",
    "NGO",
  ),
  immigrationFunctions: fc.boolean(),
});
const agency = often(
  {
    node: "TH",
    roles: ["victim_services"] as Role[],
    orgType: "NGO",
    immigrationFunctions: false,
  },
  anyAgency as fc.Arbitrary<{
    node: string;
    roles: Role[];
    orgType: string;
    immigrationFunctions: boolean;
  }>,
);
const consent = often(
  {
    services: true,
    disclosure: true,
    audiences: [...audienceValues] as string[],
    withdrawn: false,
    expired: false,
  },
  fc.record({
    services: fc.boolean(),
    disclosure: fc.boolean(),
    audiences: fc.uniqueArray(fc.constantFrom(...audienceValues), { maxLength: 5 }),
    withdrawn: fc.boolean(),
    expired: fc.boolean(),
  }),
);
const person = fc.record({
  identified: fc.boolean(),
  immigration: fc.boolean(),
  health: fc.boolean(),
  recorded: fc.option(consent, { nil: undefined }),
});

const scenario = fc.record({
  directory: fc.array(agency, { minLength: 2, maxLength: 5 }),
  senderIndex: fc.nat(),
  recipients: fc.array(
    fc.record({ index: fc.nat(), byRole: fc.option(fc.nat(), { nil: undefined }) }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  purpose: often("victim_assistance", fc.constantFrom(...purposeValues)),
  tier: fc.constantFrom("T1", "T2", "T2", "T3", ...tierValues),
  persons: fc.array(person, { minLength: 1, maxLength: 3 }),
  own: fc.option(fc.record({ person: fc.nat(), anonymous: fc.boolean(), c: consent }), {
    nil: undefined,
  }),
  override: fc.option(fc.record({ bySender: fc.boolean(), scopeAll: fc.boolean() }), {
    nil: undefined,
  }),
  evidence: fc.option(
    fc.array(fc.constantFrom(...evidenceKindValues), { minLength: 1, maxLength: 3 }),
    {
      nil: undefined,
    },
  ),
  strayAttachment: fc.boolean(),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

const PAST = "2026-01-01T00:00:00Z";
const FUTURE = "2027-01-01T00:00:00Z";
const asConsent = (c: Scenario["persons"][number]["recorded"] & object, personRef?: string) => ({
  consentId: "01KH3BA6R0Y11DTPWJE1E8FNF1",
  ...(personRef ? { personRef } : {}),
  flags: { services: c.services, disclosure: c.disclosure, reporting: false, tracing: false },
  audiences: c.audiences,
  informed: { purpose: true, uses: true, retention: true, withdrawal: true },
  expiresAt: c.expired ? PAST : FUTURE,
  ...(c.withdrawn ? { withdrawn: { at: PAST } } : {}),
});

function build(s: Scenario, withdraw?: number) {
  const dir: PolicyParticipant[] = s.directory.map((a, i) => ({ ...a, id: `${a.node}:A${i}` }));
  const sender = dir[s.senderIndex % dir.length]!;
  const picked = s.recipients.map((r) => {
    const p = dir[r.index % dir.length]!;
    const role = r.byRole === undefined ? undefined : p.roles[r.byRole % p.roles.length]!;
    return { p, address: role ? { node: p.node, role } : { participant: p.id } };
  });
  const base = s.evidence ? EVIDENCE : REFERRAL;
  const m = structuredClone(base) as Message;
  m.from = sender.id;
  m.purpose = s.purpose;
  m.tier = s.tier as Message["tier"];
  m.to = picked.map((x) => x.address);
  m.body.persons = s.persons.map((p, i) => ({
    personRef: REFS[i],
    citizenship: ["LA"],
    ...(p.identified ? { identified: { fullName: `Worker ${i}` } } : {}),
    ...(p.immigration ? { immigration: { passportNumber: `LA00${i}` } } : {}),
    ...(p.health ? { health: { needs: "A medical check." } } : {}),
  }));
  if (s.evidence) {
    const item = EVIDENCE.body.items[0];
    m.body.items = s.evidence.map((kind, i) => ({
      ...item,
      kind,
      sha256: `${i}`.padStart(64, "a"),
    }));
    m.attachments = s.evidence.map((_, i) => ({
      sha256: `${i}`.padStart(64, "a"),
      mediaType: "application/pdf",
      size: 10,
    }));
    if (s.strayAttachment)
      m.attachments.push({ sha256: "f".repeat(64), mediaType: "audio/ogg", size: 9 });
  }
  delete m.body.consent;
  // The fixture's remedy names a worker of its own; the generated persons are the only ones here.
  delete m.body.remedies;
  const ownFor = s.own ? s.own.person % s.persons.length : undefined;
  if (s.own && !s.evidence) {
    m.body.consent = asConsent(s.own.c, s.own.anonymous ? undefined : REFS[ownFor!]);
    if (s.override)
      m.body.consent.override = {
        reason: "vital_interest",
        approvedBy: s.override.bySender ? sender.id : "TH:NCC",
        approvedAt: PAST,
        justification: "Risk to life.",
        scope: s.override.scopeAll ? ["/persons"] : ["/persons/0/identified"],
      };
  }
  const consents: Record<string, ConsentView> = {};
  s.persons.forEach((p, i) => {
    const c = p.recorded ? { ...p.recorded } : undefined;
    if (withdraw === i)
      consents[REFS[i]!] = asConsent(
        {
          ...(c ?? { services: true, disclosure: true, audiences: [], expired: false }),
          withdrawn: true,
        },
        REFS[i],
      ) as ConsentView;
    else if (c) consents[REFS[i]!] = asConsent(c, REFS[i]) as ConsentView;
  });
  const context: PolicyContext = {
    sender,
    recipients: picked.map((x, toIndex) => ({ ...x.p, toIndex })),
    consents,
  };
  return { m, context, sender, picked, ownFor };
}

const immigrationFunctions = (p: PolicyParticipant) =>
  p.immigrationFunctions === true || p.orgType === "ImmigrationService";
const personIndex = (pointer: string) => /^\/body\/persons\/(\d+)/.exec(pointer)?.[1];

describe("the firewall and consent per person, over generated directories (issue 11)", () => {
  it("never lets person-level data or evidence reach an agency with immigration functions", () => {
    let examined = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { m, context, picked } = build(s);
        const to = picked.findIndex((x) => immigrationFunctions(x.p));
        if (to < 0) return;
        const personLevel = sensitiveFields(m).some((f) =>
          f.tags.some((t) => PERSON_LEVEL_TAGS.includes(t)),
        );
        const evidence =
          (m.body.items ?? []).some((i: { kind: string }) => PERSON_LEVEL_KINDS.has(i.kind)) ||
          (m.attachments ?? []).some(
            (a: { sha256: string }) =>
              !(m.body.items ?? []).some(
                (i: { kind: string; sha256: string }) =>
                  i.sha256 === a.sha256 && !PERSON_LEVEL_KINDS.has(i.kind),
              ),
          );
        if (!personLevel && !evidence) return;
        examined++;
        // Whatever the purpose, tier, consent, override or other roles: refused, naming the recipient.
        const violations = checkPolicy(m, context);
        expect(violations[0]?.code).toBe("policy.immigration-recipient");
        expect(violations.map((v) => v.pointer)).toContain(
          `/to/${picked.findIndex((x) => immigrationFunctions(x.p))}`,
        );
      }),
      { numRuns: 3000 },
    );
    expect(examined).toBeGreaterThan(200);
  });

  it("never lets a person's field that needs consent pass without that person's own consent or an override", () => {
    let examined = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { m, context, ownFor } = build(s);
        if (checkPolicy(m, context).length > 0) return;
        for (const f of sensitiveFields(m)) {
          const i = personIndex(f.pointer);
          if (i === undefined || !f.tags.some((t) => CONSENT_TAGS.includes(t))) continue;
          examined++;
          const p = s.persons[Number(i)]!;
          const own = m.body.consent;
          const ownIsFor =
            own &&
            (own.personRef === REFS[Number(i)] ||
              (!own.personRef && s.persons.length === 1 && ownFor === 0));
          const applying = ownIsFor ? s.own!.c : p.recorded;
          const override =
            ownIsFor && own.override && !s.override!.bySender && !f.tags.includes("immigration");
          expect(p.recorded?.withdrawn ?? false).toBe(false);
          if (override) continue;
          expect(applying).toBeDefined();
          expect(applying!.disclosure && !applying!.withdrawn && !applying!.expired).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(examined).toBeGreaterThan(10);
  });

  it("lets immigration data go only for victim assistance to recipients addressed as victim services", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { m, context, picked } = build(s);
        if (checkPolicy(m, context).length > 0) return;
        if (!sensitiveFields(m).some((f) => f.tags.includes("immigration"))) return;
        expect(m.purpose).toBe("victim_assistance");
        for (const { p, address } of picked) {
          const capacity = "role" in address ? [address.role] : p.roles.length === 1 ? p.roles : [];
          expect(capacity).toContain("victim_services" as Role);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("changes nothing at another person's fields when one person withdraws", () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, w) => {
        const who = w % s.persons.length;
        const before = build(s);
        const after = build(s, who);
        const others = (list: ReturnType<typeof checkPolicy>) =>
          list
            .filter((v) => {
              const i = personIndex(v.pointer);
              return i !== undefined && Number(i) !== who;
            })
            .map((v) => `${v.pointer} ${v.code}`)
            .sort();
        expect(others(checkPolicy(after.m, after.context))).toEqual(
          others(checkPolicy(before.m, before.context)),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
