import {
  createSigner,
  generateSigningKey,
  MessageType,
  signEnvelope,
  type PrivateJwk,
  type Signer,
} from "@frx/spec";
import { monotonicFactory } from "ulid";
import type { ParticipantRegistration } from "../admin/participants.js";

/** An agency the bench registers at the node, with the private key only the parent holds. */
export interface BenchAgency {
  registration: ParticipantRegistration;
  privateJwk: PrivateJwk;
}

/** A pre-signed envelope: its id (to check the store afterwards) and the JWS the load posts. */
export interface SignedEnvelope {
  id: string;
  jws: string;
  /** The case it names. */
  case: string;
}

const AGENCIES: Array<Omit<ParticipantRegistration, "publicJwk">> = [
  {
    id: "TH:DOE",
    name: "Department of Labour Protection and Welfare",
    roles: ["labour_inspectorate"],
    orgType: "LabourInspectorate",
    powers: ["workplace_inspection", "wage_recovery_order"],
  },
  {
    id: "TH:ATPD",
    name: "Anti-Trafficking in Persons Division",
    roles: ["anti_trafficking_police"],
    orgType: "LawEnforcement",
    powers: ["arrest", "criminal_investigation"],
  },
  {
    id: "TH:DOE-REG",
    name: "Department of Employment (licensing)",
    roles: ["recruitment_regulator"],
    orgType: "RecruitmentRegulator",
    powers: ["licence_revocation", "licence_suspension"],
  },
  {
    id: "TH:NCC",
    name: "National coordination centre",
    roles: ["national_coordinator"],
    orgType: "CentralGovernmentOrganisation",
  },
];

/** Agencies of a second node (Lao PDR) that cross-border envelopes address. */
const LAO_AGENCIES: Array<Omit<ParticipantRegistration, "publicJwk">> = [
  {
    id: "LA:MOLSW",
    name: "Ministry of Labour and Social Welfare",
    roles: ["labour_inspectorate", "victim_services"],
    orgType: "LabourInspectorate",
    powers: ["workplace_inspection", "victim_protection"],
  },
  {
    id: "LA:NCC",
    name: "National coordination",
    roles: ["national_coordinator"],
    orgType: "CentralGovernmentOrganisation",
  },
];

/** Who opens cases in the bench: each sender, its track and the agencies it tells. */
const SENDERS = [
  { from: "TH:DOE", track: "labour", to: ["TH:ATPD", "TH:DOE-REG", "TH:NCC"] },
  { from: "TH:ATPD", track: "criminal", to: ["TH:DOE", "TH:NCC"] },
  { from: "TH:DOE-REG", track: "licensing", to: ["TH:DOE", "TH:ATPD", "TH:NCC"] },
] as const;

const ROLE_OF: Record<string, string> = {
  "TH:DOE": "labour_inspectorate",
  "TH:ATPD": "anti_trafficking_police",
  "TH:DOE-REG": "recruitment_regulator",
};

const EXPLOITATION = [
  ["ForcedLabour"],
  ["ForcedLabour", "LabourRightsViolation"],
  ["LabourRightsViolation"],
];
const INDICATORS = ["RETENTION_OF_ID_DOCUMENTS", "WITHHOLDING_OF_WAGES", "DEBT_BONDAGE"];
const MEANS = ["WithholdsDocuments", "DebtBondage", "TakesEarnings", "ExcessiveWorkingHours"];
const SECTORS = [
  { scheme: "ISIC4", code: "0311" },
  { scheme: "ISIC4", code: "1020" },
  { scheme: "ISIC4", code: "0113" },
];
const PROVINCES = ["TH-74", "TH-11", "TH-20", "TH-90"];
const SUMMARY =
  "Inspection found deckhands with passports held by the skipper, wages unpaid for months " +
  "against recruitment debts, and very long working days at sea. ";

/** Generates a fresh key for each bench agency. */
export function benchAgencies(): BenchAgency[] {
  return withKeys(AGENCIES);
}

function withKeys(agencies: Array<Omit<ParticipantRegistration, "publicJwk">>): BenchAgency[] {
  return agencies.map((a) => {
    const { privateJwk, publicJwk } = generateSigningKey();
    return { registration: { ...a, publicJwk }, privateJwk };
  });
}

/** Fresh keys for the agencies of a two-node federation: Thai ones at node TH, Lao ones at LA. */
export function federationAgencies(): { TH: BenchAgency[]; LA: BenchAgency[] } {
  return { TH: benchAgencies(), LA: withKeys(LAO_AGENCIES) };
}

/**
 * `count` distinct case.notify envelopes, each opening its own case, from the three sending
 * agencies in turn, signed with `sentAt` = now and padded so every JWS is about
 * `targetBytes` long.
 *
 * @example const envelopes = signEnvelopes(benchAgencies(), 5000, 1500)
 */
export function signEnvelopes(
  agencies: BenchAgency[],
  count: number,
  targetBytes: number,
): SignedEnvelope[] {
  const signers = new Map<string, Signer>(
    agencies.map((a) => [a.registration.id, createSigner(a.privateJwk)]),
  );
  return signCaseNotifies(count, targetBytes, (i) => {
    const sender = SENDERS[i % SENDERS.length]!;
    return { ...sender, signer: signers.get(sender.from)! };
  });
}

/**
 * `count` distinct case.notify envelopes from one agency to participants of other nodes
 * (say `["LA:MOLSW"]`), each opening its own case, padded to about `targetBytes`.
 *
 * @example const envelopes = signCrossBorder(thaiAgency, ["LA:MOLSW"], 1000, 1536)
 */
export function signCrossBorder(
  sender: BenchAgency,
  to: readonly string[],
  count: number,
  targetBytes: number,
  /** Share this many cases round-robin (envelope i names case i mod `cases`) instead of one case each. */
  cases?: number,
): SignedEnvelope[] {
  const signer = createSigner(sender.privateJwk);
  const from = sender.registration.id;
  const ulid = monotonicFactory();
  const caseIds =
    cases === undefined
      ? undefined
      : Array.from({ length: cases }, () => `${from}:${ulid(Date.now())}`);
  return signCaseNotifies(
    count,
    targetBytes,
    () => ({ from, track: "labour", to, signer }),
    caseIds,
  );
}

interface Sender {
  from: string;
  track: string;
  to: readonly string[];
  signer: Signer;
}

function signCaseNotifies(
  count: number,
  targetBytes: number,
  senderOf: (i: number) => Sender,
  caseIds?: readonly string[],
): SignedEnvelope[] {
  const ulid = monotonicFactory();
  const now = Date.now();
  const sentAt = new Date(now).toISOString();
  const expiresAt = new Date(now + 30 * 24 * 3600_000).toISOString();
  const out: SignedEnvelope[] = [];
  // The summary length that padded an envelope of the same shape last time: usually right
  // at the first signature.
  const hints = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const sender = senderOf(i);
    const id = ulid(now);
    const envelope = {
      frx: "1",
      id,
      type: MessageType.CaseNotify,
      from: sender.from,
      to: sender.to.map((participant) => ({ participant })),
      case: caseIds ? caseIds[i % caseIds.length]! : `${sender.from}:${ulid(now)}`,
      sentAt,
      expiresAt,
      purpose: "case_coordination",
      legalBasis: { code: "public_task", reference: "Labour Protection Act, s. 139" },
      tier: "T1",
      body: {
        openingRole: ROLE_OF[sender.from] ?? "labour_inspectorate",
        openedAt: sentAt,
        tracks: [{ track: sender.track, lead: sender.from }],
        exploitationTypes: EXPLOITATION[i % EXPLOITATION.length],
        indicators: [
          {
            code: INDICATORS[i % INDICATORS.length],
            observedBy: sender.from,
            observedAt: sentAt,
            confidence: "high",
          },
        ],
        meansOfControl: MEANS.slice(i % 3, (i % 3) + 2),
        sectors: [SECTORS[i % SECTORS.length]],
        workplace: { type: "vessel", country: "TH", admin1: PROVINCES[i % PROVINCES.length] },
        workerCounts: [{ citizenship: i % 2 ? "LA" : "KH", ageBand: "21-23", count: 1 + (i % 40) }],
        summary: "",
      },
    };
    const shape = (i % 36) * 100 + String(1 + (i % 40)).length;
    const padded = signPadded(envelope, sender.signer, targetBytes, hints.get(shape) ?? 0);
    hints.set(shape, padded.summaryLength);
    out.push({ id, jws: padded.jws, case: envelope.case });
  }
  return out;
}

/** Signs, lengthening `body.summary` (from `hint` characters) until the JWS is within 3 bytes of the target. */
function signPadded(
  envelope: { body: { summary: string } },
  signer: Signer,
  targetBytes: number,
  hint: number,
): { jws: string; summaryLength: number } {
  let length = hint;
  let jws = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    envelope.body.summary = SUMMARY.repeat(Math.ceil(length / SUMMARY.length) + 1).slice(0, length);
    jws = signEnvelope(envelope, signer);
    const gap = targetBytes - jws.length;
    if (Math.abs(gap) <= 3) break;
    // Base64url: three payload bytes become four characters.
    length = Math.max(0, length + Math.floor((gap * 3) / 4));
  }
  return { jws, summaryLength: length };
}
