import { FrxError, MessageType, type AnyMessage, type ConsentView } from "@frx/spec";
import type { CaseRecord, ConsentOnRecord } from "../store/records.js";

/**
 * Consent on record, per person (policy.md, "Recording consent"; FRX-POL-040 to FRX-POL-043):
 * each `personRef` has at most one consent, kept with the agency that recorded it. Only that
 * agency replaces it or speaks for it in a message of its own; it or the case's owner may
 * withdraw it; a withdrawal touches that person only.
 */

/** The consents the policy reads for a case: each person's, a withdrawal shown as `withdrawn`. */
export function consentsForPolicy(record: CaseRecord | undefined): Record<string, ConsentView> {
  const out: Record<string, ConsentView> = {};
  for (const [personRef, entry] of Object.entries(record?.consents ?? {}))
    out[personRef] = {
      ...(entry.consent as unknown as ConsentView),
      ...(entry.withdrawnAt ? { withdrawn: { at: entry.withdrawnAt } } : {}),
    };
  return out;
}

/** The case's owner: the agency whose participant id opens the case id (entities/ids.json `caseId`). */
export function caseOwner(caseId: string): string {
  return caseId.split(":").slice(0, 2).join(":");
}

/**
 * Checks the sender's authority over the consents a message records, carries or withdraws,
 * and returns the case's consents after it (a new object; `record` is not changed).
 */
export function applyConsents(
  record: CaseRecord | undefined,
  message: AnyMessage,
  at: string,
  owner: string,
): Record<string, ConsentOnRecord> {
  const consents = { ...(record?.consents ?? {}) };
  const body = message.body as { consent?: Record<string, unknown>; consentId?: string };
  if (message.type === MessageType.ConsentWithdraw) {
    const found = Object.entries(consents).find(
      ([, e]) => (e.consent as { consentId?: string }).consentId === body.consentId,
    );
    if (!found)
      throw refusal(
        "consent.unknown",
        "/body/consentId",
        `no consent ${body.consentId} is on record for case ${message.case}`,
      );
    const [personRef, entry] = found;
    if (message.from !== entry.recordedBy && message.from !== owner)
      throw refusal(
        "consent.not-obtainer",
        "/body/consentId",
        `${personRef}'s consent was recorded by ${entry.recordedBy}; only it or the case owner ${owner} may withdraw it`,
      );
    const scope = (message.body as { scope: string[] }).scope;
    const flags = { ...(entry.consent.flags as Record<string, boolean>) };
    for (const f of scope) flags[f] = false;
    const withdraws = scope.includes("services") || scope.includes("disclosure");
    consents[personRef] = {
      ...entry,
      consent: { ...entry.consent, flags },
      ...(withdraws ? { withdrawnAt: at } : {}),
    };
    return consents;
  }
  if (!body.consent || typeof body.consent !== "object") return consents;
  const personRef = personOf(message);
  if (personRef === undefined) {
    if (message.type === MessageType.ConsentRecord)
      throw refusal(
        "policy.consent-person-missing",
        "/body/consent",
        "a consent.record must name the worker (personRef): consent is held per person",
      );
    return consents;
  }
  const existing = consents[personRef];
  if (existing && existing.recordedBy !== message.from)
    throw refusal(
      "consent.not-obtainer",
      "/body/consent",
      `${personRef}'s consent is on record from ${existing.recordedBy}; only it may replace it or give it in a message`,
    );
  consents[personRef] = { consent: body.consent, recordedBy: message.from, recordedAt: at };
  return consents;
}

/** The person a message's own consent is for: its personRef, or the message's only person. */
function personOf(message: AnyMessage): string | undefined {
  const body = message.body as {
    consent?: { personRef?: string };
    persons?: Array<{ personRef?: string }>;
  };
  if (body.consent?.personRef) return body.consent.personRef;
  if (message.type === MessageType.ConsentRecord) return undefined;
  const persons = new Set((body.persons ?? []).map((p) => p.personRef));
  return persons.size === 1 ? [...persons][0] : undefined;
}

function refusal(
  code: "consent.unknown" | "consent.not-obtainer" | "policy.consent-person-missing",
  pointer: string,
  message: string,
): FrxError {
  return new FrxError(code, message, [{ pointer, code, message }]);
}
