import {
  allowedReferralActions,
  referralActor,
  validateDocument,
  type ReferralRecord,
} from "@frx/spec";

/**
 * The case view (api/case-view.json) the stand-in node gives `participant` of a case: its
 * referrals the participant is a party to, with the actions the referral machine allows it
 * now; undefined when it is party to none (request.not-found, FRX-API-018).
 */
export function caseView(
  caseId: string,
  records: readonly ReferralRecord[],
  participant: string,
): Record<string, unknown> | undefined {
  const mine = records.filter(
    (r) =>
      r.case === caseId &&
      referralActor(r, participant) !== null &&
      (r.referrer === participant || r.recipient === participant),
  );
  if (mine.length === 0) return undefined;
  const times = mine.map((r) => r.updatedAt).sort();
  return validateDocument("api/case-view.json", {
    case: caseId,
    owner: caseId.split(":").slice(0, 2).join(":"),
    createdAt: times[0],
    updatedAt: times.at(-1),
    consentWithdrawn: false,
    tracks: [...new Set(mine.flatMap((r) => (r.track ? [r.track] : [])))],
    referrals: mine.map((r) => ({
      ...r,
      allowedActions: allowedReferralActions(r, referralActor(r, participant)!),
    })),
    investigations: [],
    deadlines: [],
    timeline: [],
    claims: [],
    outcomeTracks: [],
    custody: [],
  });
}
