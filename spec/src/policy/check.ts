import type { ErrorCode, MessageType, Sensitivity, Tier } from "../generated/codes.js";
import { policyRules } from "../generated/data.js";
import type { Violation } from "../errors.js";
import {
  audienceOf,
  hasImmigrationFunctions,
  type ConsentView,
  type PolicyContext,
} from "./context.js";
import { sensitiveFields, type SensitiveField } from "./fields.js";
import { checkProjection } from "./projection.js";
import { consentsFor, ownedFields, personsOf, type OwnedField } from "./consent.js";
import { personLevelEvidence } from "./evidence.js";
import { capacitiesOf } from "./capacity.js";

interface TagRule {
  minTier?: Tier;
  consent?: Array<"services" | "disclosure" | "reporting" | "tracing">;
  consentCode?: ErrorCode;
  audience?: boolean;
  overridable?: boolean;
  purposes?: string[];
  purposeCode?: ErrorCode;
  senderRoles?: string[];
  recipientRoles?: string[];
  /** Judge `recipientRoles` by the capacity each recipient is addressed in, not by all its roles. */
  recipientCapacity?: boolean;
  recipientCode?: ErrorCode;
}

interface Rules {
  tierOrder: Tier[];
  personLevelTags: Sensitivity[];
  tags: Record<Sensitivity, TagRule>;
  messages: Partial<Record<MessageType, { purposes?: string[]; tiers?: Tier[] }>>;
  purposes: Record<string, string[]>;
  evidenceChannel: Record<string, { minTier: Tier; legalBasis: string[] }>;
  aggregates: { message: MessageType; k: number; countMetrics: string[] };
}

const rules = policyRules as unknown as Rules;

/** The parts of an envelope the policy reads. */
export interface PolicyInput {
  type: MessageType;
  from: string;
  purpose: string;
  tier: Tier;
  sentAt: string;
  legalBasis: { code: string };
  to: readonly unknown[];
  body: Record<string, unknown>;
}

/**
 * The policy check as a pure function: every violation of the firewall, disclosure tiers,
 * consent, complainant confidentiality, the suspect channel and the evidence channel, each
 * with the JSON pointer that caused it. An empty array means the envelope may go.
 *
 * @example const violations = checkPolicy(message, { sender, recipients, consent })
 */
export function checkPolicy(message: PolicyInput, context: PolicyContext): Violation[] {
  const out = new Violations();
  checkMessageRule(message, out);
  checkPurposeRecipients(message, context, out);
  const fields = ownedFields(message, sensitiveFields(message));
  const persons = personsOf(fields);
  const isPersonLevel = (f: OwnedField) => f.tags.some((t) => rules.personLevelTags.includes(t));
  const personLevel = fields.filter(isPersonLevel);
  const evidence = personLevelEvidence(message);
  if (personLevel.length > 0 || evidence.length > 0) {
    const what = [...personLevel.map((f) => f.pointer), ...evidence].slice(0, 5).join(", ");
    for (const r of context.recipients) {
      if (hasImmigrationFunctions(r)) {
        out.add(
          `/to/${r.toIndex}`,
          "policy.immigration-recipient",
          `${r.id} has immigration functions; person-level data and evidence (${what}) may not go to it`,
        );
      }
    }
  }
  for (const field of fields) {
    const consents = consentsFor(message, context, field, persons);
    // Rule 6, per person (FRX-POL-019, FRX-POL-039): a withdrawal silences that person's
    // fields. A field of no person is silenced by any withdrawal that applies to it when its
    // tag needs consent; pseudonymous free text needs none, and suspects are no worker's.
    const needsConsent = field.tags.some((t) => rules.tags[t]?.consent);
    if (
      consents.some((c) => c?.withdrawn) &&
      (field.owner !== undefined ? isPersonLevel(field) : needsConsent)
    )
      out.add(
        field.pointer,
        "policy.consent-withdrawn",
        field.owner
          ? `${field.owner} withdrew consent`
          : "a worker of the case withdrew consent, and this field belongs to no one worker",
      );
    for (const tag of field.tags)
      checkTag(field, tag, rules.tags[tag] ?? {}, message, context, consents, out);
    for (const consent of consents) checkWithheld(field, consent, out);
  }
  checkEvidenceChannel(message, out);
  for (const v of checkProjection(message, context)) out.add(v.pointer, v.code, v.message);
  checkOverrideApprover(message, out);
  checkConsentPerson(message, out);
  checkAggregates(message, out);
  // Gravest first (Rule 9): a refusal's code shows a firewall breach as one.
  return out.list
    .map((v, i) => ({ v, i }))
    .sort((a, b) => gravity(a.v.code) - gravity(b.v.code) || a.i - b.i)
    .map(({ v }) => v);
}

function checkMessageRule(message: PolicyInput, out: Violations): void {
  const rule = rules.messages[message.type];
  if (rule?.purposes && !rule.purposes.includes(message.purpose)) {
    out.add(
      "/purpose",
      "policy.purpose-mismatch",
      `${message.type} may only be sent for ${rule.purposes.join(", ")}`,
    );
  }
  if (rule?.tiers && !rule.tiers.includes(message.tier)) {
    out.add(
      "/tier",
      "policy.tier-exceeded",
      `${message.type} must be sent at tier ${rule.tiers.join(" or ")}`,
    );
  }
}

function checkPurposeRecipients(
  message: PolicyInput,
  context: PolicyContext,
  out: Violations,
): void {
  const roles = rules.purposes[message.purpose] ?? [];
  for (const r of context.recipients) {
    if (!r.roles.some((role) => roles.includes(role))) {
      out.add(
        `/to/${r.toIndex}`,
        "policy.purpose-mismatch",
        `purpose ${message.purpose} may not address ${r.id} (${r.roles.join(", ")})`,
      );
    }
  }
}

function checkTag(
  field: SensitiveField,
  tag: Sensitivity,
  rule: TagRule,
  message: PolicyInput,
  context: PolicyContext,
  consents: ReadonlyArray<ConsentView | undefined>,
  out: Violations,
): void {
  if (rule.minTier && tierRank(message.tier) < tierRank(rule.minTier)) {
    out.add(
      field.pointer,
      "policy.tier-exceeded",
      `${tag} data needs tier ${rule.minTier}, the envelope declares ${message.tier}`,
    );
  }
  if (rule.purposes && !rule.purposes.includes(message.purpose)) {
    out.add(
      field.pointer,
      rule.purposeCode ?? "policy.purpose-mismatch",
      `${tag} data may not be sent for ${message.purpose}`,
    );
  }
  if (rule.senderRoles && !context.sender.roles.some((role) => rule.senderRoles!.includes(role))) {
    out.add(
      field.pointer,
      rule.recipientCode ?? "policy.purpose-mismatch",
      `${tag} data may not be sent by ${context.sender.id}`,
    );
  }
  if (rule.recipientRoles) {
    for (const r of context.recipients) {
      const held = rule.recipientCapacity ? capacitiesOf(message, r) : r.roles;
      if (!held.some((role) => rule.recipientRoles!.includes(role))) {
        out.add(
          field.pointer,
          rule.recipientCode ?? "policy.purpose-mismatch",
          rule.recipientCapacity
            ? `${tag} data may go to ${r.id} only addressed as ${rule.recipientRoles.join(" or ")}`
            : `${tag} data may not go to ${r.id}`,
        );
      }
    }
  }
  for (const consent of consents) checkConsent(field, tag, rule, context, consent, out);
}

/** Rule 5's consent and audience requirements, against one consent that applies to the field. */
function checkConsent(
  field: OwnedField,
  tag: Sensitivity,
  rule: TagRule,
  context: PolicyContext,
  consent: ConsentView | undefined,
  out: Violations,
): void {
  const overridden = rule.overridable !== false && coveredByOverride(field.pointer, consent);
  if (rule.consent && !overridden) {
    const missing = rule.consent.filter((flag) => consent?.flags?.[flag] !== true);
    const failedOverride = consent?.override !== undefined && rule.overridable !== false;
    if ((!consent || missing.length > 0) && failedOverride) {
      out.add(
        field.pointer,
        "policy.override-invalid",
        `the consent override does not cover ${tag} data at this field (reason, approver and scope are all needed)`,
      );
    } else if (!consent) {
      out.add(
        field.pointer,
        rule.consentCode ?? "policy.consent-missing",
        `${tag} data needs ${field.owner ? `${field.owner}'s` : "the workers'"} consent and none applies`,
      );
    } else if (missing.length > 0) {
      out.add(
        field.pointer,
        rule.consentCode ?? "policy.consent-scope",
        `${tag} data needs consent to ${missing.join(" and ")}`,
      );
    }
  }
  if (rule.audience && consent && !overridden) {
    for (const r of context.recipients) {
      const audience = audienceOf(context.sender, r);
      if (!(consent.audiences ?? []).includes(audience)) {
        out.add(
          field.pointer,
          rule.consentCode ?? "policy.consent-scope",
          `consent does not name ${audience} (${r.id})`,
        );
      }
    }
  }
}

function checkWithheld(
  field: SensitiveField,
  consent: ConsentView | undefined,
  out: Violations,
): void {
  for (const item of consent?.withheldItems ?? []) {
    const withheld = `/body${item}`;
    if (field.pointer === withheld || field.pointer.startsWith(`${withheld}/`)) {
      out.add(field.pointer, "policy.consent-withheld", `the worker asked to withhold ${item}`);
    }
  }
}

function checkEvidenceChannel(message: PolicyInput, out: Violations): void {
  const channel = message.body.channel;
  if (typeof channel !== "string") return;
  const rule = rules.evidenceChannel[channel];
  if (!rule) return;
  if (tierRank(message.tier) < tierRank(rule.minTier)) {
    out.add(
      "/tier",
      "policy.evidence-channel",
      `evidence over ${channel} needs tier ${rule.minTier}`,
    );
  }
  if (!rule.legalBasis.includes(message.legalBasis.code)) {
    out.add(
      "/legalBasis/code",
      "policy.evidence-channel",
      `evidence over ${channel} needs a legal basis of ${rule.legalBasis.join(", ")}`,
    );
  }
}

/** k-anonymity of statistics (FRX-POL-028): a visible count under k, or a value behind a suppressed cell, discloses. */
function checkAggregates(message: PolicyInput, out: Violations): void {
  const rule = rules.aggregates;
  if (message.type !== rule.message) return;
  const cells = (message.body.cells ?? []) as Array<{
    metric: string;
    value: number | null;
    suppressed: boolean;
  }>;
  for (const [i, cell] of cells.entries()) {
    const small =
      typeof cell.value === "number" &&
      cell.value > 0 &&
      cell.value < rule.k &&
      rule.countMetrics.includes(cell.metric);
    if ((small && !cell.suppressed) || (cell.suppressed && cell.value !== null)) {
      out.add(
        `/body/cells/${i}/value`,
        "policy.tier-exceeded",
        cell.suppressed
          ? "a suppressed cell must carry no value"
          : `a count under k = ${rule.k} must be suppressed`,
      );
    }
  }
}

/** Four eyes: an override of the worker's choice is approved by another participant than the sender. */
function checkOverrideApprover(message: PolicyInput, out: Violations): void {
  const override = (message.body.consent as ConsentView | undefined)?.override;
  if (override?.approvedBy !== undefined && override.approvedBy === message.from) {
    out.add(
      "/body/consent/override/approvedBy",
      "policy.override-invalid",
      "an override must be approved by another participant than the sender",
    );
  }
}

/** Consent is held per person (FRX-POL-041): a consent.record of no one could replace or lift anyone's. */
function checkConsentPerson(message: PolicyInput, out: Violations): void {
  if (message.type !== "consent.record") return;
  const consent = message.body.consent as { personRef?: unknown } | undefined;
  if (consent && typeof consent.personRef !== "string")
    out.add(
      "/body/consent",
      "policy.consent-person-missing",
      "a consent.record must name the worker (personRef)",
    );
}

/** A recorded override covers a field when it names a reason, an approver, and a scope over the field. */
function coveredByOverride(pointer: string, consent: ConsentView | undefined): boolean {
  const o = consent?.override;
  if (!o || !o.reason || !o.approvedBy || !o.scope) return false;
  return o.scope.some((s) => pointer === `/body${s}` || pointer.startsWith(`/body${s}/`));
}

function tierRank(tier: Tier): number {
  return rules.tierOrder.indexOf(tier);
}

class Violations {
  readonly list: Violation[] = [];
  private readonly seen = new Set<string>();

  add(pointer: string, code: ErrorCode, message: string): void {
    const key = `${pointer} ${code}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ pointer, code, message });
  }
}

const GRAVEST: ErrorCode[] = [
  "policy.immigration-recipient",
  "policy.firewall",
  "policy.complainant-confidential",
  "policy.suspect-channel",
  "policy.consent-withdrawn",
];

/** Lower is graver; other codes keep the order the rules produced them in. */
function gravity(code: ErrorCode): number {
  const i = GRAVEST.indexOf(code);
  return i < 0 ? GRAVEST.length : i;
}
