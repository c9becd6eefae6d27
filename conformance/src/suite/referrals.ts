import { same } from "../harness/check.js";
import type { Envelope } from "../harness/fixtures.js";
import type { Harness } from "../harness/harness.js";
import { referralView } from "../harness/inbox.js";

/** A referral the harness opened: LI refers a worker to VS. */
export interface OpenReferral {
  caseId: string;
  referral: string;
  create: Envelope;
  createJws: string;
  receivedAt: string;
}

/** Opens a referral (referral.create, sequence 1) and checks it is stored. */
export async function openReferral(h: Harness, urgency = "routine"): Promise<OpenReferral> {
  const base = h.envelope("referral-create-ok");
  const create = { ...base, body: { ...base.body, urgency } };
  const createJws = h.sign(create);
  const a = await h.accepted(createJws);
  return {
    caseId: create.case!,
    referral: create.referral!,
    create,
    createJws,
    receivedAt: a.receipt.receivedAt,
  };
}

/** A message of the referral's thread from a fixture, with `sequence` (omitted when null). */
export function moveOf(
  h: Harness,
  r: OpenReferral,
  fixture: string,
  sequence: number | null,
  overrides: Record<string, unknown> = {},
): Envelope {
  return h.envelope(fixture, {
    case: r.caseId,
    referral: r.referral,
    sequence: sequence ?? undefined,
    inReplyTo: r.create.id,
    ...overrides,
  });
}

/** The referrer's side of the thread: LI → VS. */
export const byReferrer = (h: Harness) => ({ from: h.id("LI"), to: [{ participant: h.id("VS") }] });
/** The recipient's side: VS → LI. */
export const byRecipient = (h: Harness) => ({
  from: h.id("VS"),
  to: [{ participant: h.id("LI") }],
});

/** Sends a transition that must be applied, and checks the state and version the node shows. */
export async function step(
  h: Harness,
  r: OpenReferral,
  fixture: string,
  sequence: number,
  state: string,
  overrides: Record<string, unknown> = {},
): Promise<void> {
  await h.accepted(h.sign(moveOf(h, r, fixture, sequence, overrides)));
  const view = await referralView(h, "LI", r.caseId, r.referral);
  same(
    [view.state, view.version],
    [state, sequence],
    `referral state and version after ${fixture.replace(/-ok$/, "")}`,
  );
}

/** The consent.withdraw that ends a referral: the referral's own consent id. */
export function consentWithdrawOf(
  h: Harness,
  r: OpenReferral,
  sequence: number,
  overrides: Record<string, unknown> = {},
): Envelope {
  const base = h.envelope("consent-withdraw-ok");
  const consentId = (r.create.body.consent as { consentId: string }).consentId;
  return moveOf(h, r, "consent-withdraw-ok", sequence, {
    body: { ...base.body, consentId },
    ...overrides,
  });
}
