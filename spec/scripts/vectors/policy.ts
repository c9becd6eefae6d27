import type { Envelope, Fixture, Vector } from "./envelope.js";
import { policyParticipant, type TestKeys } from "./keys.js";
import { firewallByCapacity } from "./policy-capacity.js";
import { consentPerPerson } from "./policy-persons.js";

/**
 * Policy vectors: an envelope, the policy context a node would build for it (sender and
 * resolved recipients from the directory, consent on record), and the verdict. Each failing
 * vector changes one thing in a valid base so the code it expects is the reason.
 */
export function policyVectors(keys: TestKeys, fixture: Fixture): Record<string, Vector> {
  const ctx = (env: Envelope, extra: Record<string, unknown> = {}) => ({
    sender: policyParticipant(keys, env.from),
    recipients: env.to.flatMap((a, toIndex) =>
      resolve(a as Address).map((id) => ({ ...policyParticipant(keys, id), toIndex })),
    ),
    ...extra,
  });
  type Address = { participant?: string; node?: string; role?: string };
  // Role addresses resolve the way a node would: every test participant of that node with the role.
  const resolve = (a: Address): string[] =>
    a.participant
      ? [a.participant]
      : keys.participants
          .filter((p) => p.node === a.node && p.roles.includes(a.role ?? ""))
          .map((p) => p.id);
  const out: Record<string, Vector> = {};
  const add = (
    name: string,
    description: string,
    envelope: Envelope,
    expect: Vector["expect"] & { pointer?: string },
    extra: Record<string, unknown> = {},
  ) => {
    out[`policy/${name}.json`] = {
      id: `policy/${name}`,
      description,
      envelope,
      context: ctx(envelope, extra),
      expect,
    };
  };
  const referral = () => fixture("referral.create");
  const person = (env: Envelope) => (env.body.persons as Array<Record<string, unknown>>)[0]!;

  // Valid cases first: what the firewall and consent rules allow.
  add(
    "referral-identified-ok",
    "An identified referral to victim services at T2, with consent to services and disclosure naming service providers.",
    referral(),
    { valid: true },
  );
  {
    const env = referral();
    person(env).immigration = { passportNumber: "LA1234567" };
    add(
      "immigration-to-victim-services-ok",
      "A passport number to victim services for victim assistance (e.g. to replace a document the skipper kept), with the worker's consent: the one flow the firewall allows.",
      env,
      { valid: true },
    );
  }
  for (const type of [
    "case.notify",
    "stats.report",
    "registry.entry",
    "evidence.provide",
    "investigation.propose",
  ]) {
    add(`${type}-ok`, `The ${type} fixture passes policy.`, fixture(type), { valid: true });
  }

  // One failing vector per policy code.
  {
    const env = referral();
    person(env).immigration = { status: "irregular", passportNumber: "LA1234567" };
    env.to = [{ participant: "TH:ATPD" }];
    env.purpose = "criminal_investigation_trafficking";
    add(
      "policy.firewall-fail",
      "Immigration status and passport number sent to the police for a criminal investigation.",
      env,
      {
        valid: false,
        code: "policy.firewall",
        pointer: "/body/persons/0/immigration/passportNumber",
      },
    );
  }
  {
    const env = referral();
    env.to = [{ participant: "TH:IMB" }];
    add(
      "policy.immigration-recipient-fail",
      "Person-level data addressed to a participant with immigration functions.",
      env,
      {
        valid: false,
        code: "policy.immigration-recipient",
        pointer: "/to/0",
      },
    );
  }
  {
    const env = referral();
    env.tier = "T1";
    add(
      "policy.tier-exceeded-fail",
      "An identified worker's name in an envelope that declares tier T1.",
      env,
      {
        valid: false,
        code: "policy.tier-exceeded",
        pointer: "/body/persons/0/identified/fullName",
      },
    );
  }
  {
    const env = fixture("stats.report");
    env.purpose = "labour_inspection";
    add(
      "policy.purpose-mismatch-fail",
      "Aggregate statistics sent for another purpose than aggregate_statistics.",
      env,
      { valid: false, code: "policy.purpose-mismatch", pointer: "/purpose" },
    );
  }
  {
    const env = fixture("case.notify");
    env.tier = "T2";
    env.body.persons = [
      {
        personRef: "pp_Kh7sPq2Lm9Xr4Tw8Yz3Vb6Nc",
        citizenship: ["KH"],
        ageBand: "21-23",
        identified: { fullName: "Sok Dara" },
      },
    ];
    add(
      "policy.consent-missing-fail",
      "A worker's name in a case notification, with no consent in the message or on record.",
      env,
      {
        valid: false,
        code: "policy.consent-missing",
        pointer: "/body/persons/0/identified/fullName",
      },
    );
  }
  {
    const env = referral();
    (env.body.consent as { flags: Record<string, boolean> }).flags.disclosure = false;
    add(
      "policy.consent-scope-fail",
      "The worker consented to services but not to disclosure to other organisations.",
      env,
      {
        valid: false,
        code: "policy.consent-scope",
        pointer: "/body/persons/0/identified/fullName",
      },
    );
  }
  {
    const env = referral();
    (person(env).identified as Record<string, unknown>).homeAddress = "12 Soi 4, Mahachai";
    add(
      "policy.consent-withheld-fail",
      "The home address the worker asked to withhold is in the referral.",
      env,
      {
        valid: false,
        code: "policy.consent-withheld",
        pointer: "/body/persons/0/identified/homeAddress",
      },
    );
  }
  {
    const env = referral();
    const consent = env.body.consent as { personRef: string };
    add(
      "policy.consent-withdrawn-fail",
      "The worker withdrew consent; a referral carrying their data, even with a consent of its own, is refused.",
      env,
      {
        valid: false,
        code: "policy.consent-withdrawn",
        pointer: "/body/persons/0/identified/fullName",
      },
      {
        consents: {
          [consent.personRef]: { ...consent, withdrawn: { at: "2026-03-01T10:00:00Z" } },
        },
      },
    );
  }
  {
    const env = referral();
    const consent = env.body.consent as Record<string, unknown>;
    (consent.flags as Record<string, boolean>).disclosure = false;
    consent.override = {
      reason: "vital_interest",
      approvedBy: "TH:DOE",
      approvedAt: "2026-03-02T08:55:00Z",
      justification: "Risk to life.",
      scope: ["/persons/0/identified"],
    };
    add(
      "policy.override-invalid-fail",
      "A consent override approved by the sending agency itself (four eyes: another participant must approve).",
      env,
      {
        valid: false,
        code: "policy.override-invalid",
        pointer: "/body/consent/override/approvedBy",
      },
    );
  }
  {
    const env = referral();
    env.body.complaint = {
      receivedAt: "2026-02-01T03:00:00Z",
      channel: "hotline",
      triggeredByComplaint: true,
    };
    add(
      "policy.complainant-confidential-fail",
      "A referral to victim services saying the case followed a complaint.",
      env,
      {
        valid: false,
        code: "policy.complainant-confidential",
      },
    );
  }
  {
    const env = fixture("evidence.provide");
    env.purpose = "labour_inspection";
    env.to = [{ participant: "TH:DOE-REG" }];
    env.body.suspects = [
      {
        suspectRef: "ps_AbCdEfGhIjKlMnOpQrStUvWx",
        roles: ["Exploiter"],
        name: "Skipper of the FV Sea Star",
      },
    ];
    add(
      "policy.suspect-channel-fail",
      "Suspect details sent to the recruitment regulator for labour inspection.",
      env,
      {
        valid: false,
        code: "policy.suspect-channel",
      },
    );
  }
  {
    const env = fixture("stats.report");
    const cells = env.body.cells as Array<Record<string, unknown>>;
    cells[0] = { ...cells[0], value: 4, suppressed: false };
    add(
      "stats-small-cell-fail",
      "A statistics cell counting 4 referrals, not suppressed: under k = 11 it could identify people.",
      env,
      {
        valid: false,
        code: "policy.tier-exceeded",
        pointer: "/body/cells/0/value",
      },
    );
  }
  {
    const env = fixture("evidence.provide");
    env.body.channel = "mutual_legal_assistance";
    add(
      "policy.evidence-channel-fail",
      "Evidence over the mutual legal assistance channel at tier T2 with an administrative legal basis.",
      env,
      {
        valid: false,
        code: "policy.evidence-channel",
        pointer: "/tier",
      },
    );
  }
  firewallByCapacity(add, referral, person, fixture);
  consentPerPerson(add, referral, fixture);
  return out;
}
