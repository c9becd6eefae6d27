import { MAX_DOCUMENT_BYTES } from "./bounds.js";
import type { InvestigationRecord, MessageType, ReferralRecord, Types } from "@frx/spec";
import { FrxClientError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions } from "./options.js";

/** A referral as the node tracks it, with what the caller may send in it now. */
export type ReferralView = ReferralRecord & { allowedActions: MessageType[] };

/** An investigation as the node tracks it, with what the caller may send in it now. */
export type InvestigationView = InvestigationRecord & { allowedActions: MessageType[] };

/** A running deadline (working days on the node's calendar) and how far it has escalated. */
export interface DeadlineView {
  id: string;
  machine: "referral" | "investigation";
  /** The referral or investigation id. */
  subject: string;
  case: string;
  kind: string;
  startedAt: string;
  remindAt: string;
  dueAt: string;
  /** Twice the deadline: the referral expires and is escalated again. */
  expireAt: string;
  stage: "pending" | "reminded" | "overdue" | "expired";
  notify: string[];
}

/** One message in the case's history at this node. */
export interface TimelineEntry {
  at: string;
  messageId: string;
  type: MessageType;
  from: string;
  to: string[];
  referral?: string;
  /** The referral's or investigation's state after the message. */
  state?: string;
  note?: string;
  /** For a delivery to another node: that node's signed receipt (JWS), kept as evidence. */
  receipt?: string;
}

/** GET /v1/cases/:case — the case as this agency may see it. */
export interface CaseView {
  case: string;
  createdAt: string;
  updatedAt: string;
  consentWithdrawn: boolean;
  tracks: string[];
  referrals: ReferralView[];
  investigations: InvestigationView[];
  deadlines: DeadlineView[];
  timeline: TimelineEntry[];
  /** The agency that holds the case's authority now (FRX-MSG-013). */
  owner: string;
  /** Remedy claims the agency made or was addressed: state, award, payments, schedule, overdue instalments. */
  claims: Types.CaseView["claims"];
  /** Per track, its lead and status, and what the agency was told of (FRX-REM-013). */
  outcomeTracks: Types.CaseView["outcomeTracks"];
  /** Evidence received from other nodes, with its chain of custody (FRX-FED-084). */
  custody: Types.CaseView["custody"];
}

/**
 * Reads a case: each referral and investigation with its state, version and allowed actions,
 * the timeline, and open deadlines. A case the agency is no party to is `request.not-found`.
 *
 * @example const view = await getCase(http, "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0")
 */
export async function getCase(
  http: Http,
  caseId: string,
  options: CallOptions = {},
): Promise<CaseView> {
  const view = await http.json<Partial<CaseView>>({
    method: "GET",
    path: `/v1/cases/${encodeURIComponent(caseId)}`,
    auth: true,
    maxBytes: MAX_DOCUMENT_BYTES,
    ...options,
  });
  if (
    view.case !== caseId ||
    !Array.isArray(view.referrals) ||
    !Array.isArray(view.investigations) ||
    !Array.isArray(view.deadlines) ||
    !Array.isArray(view.timeline) ||
    !view.referrals.every((r) => typeof r.referral === "string" && typeof r.version === "number")
  ) {
    throw new FrxClientError("client.response-invalid", `the view of case ${caseId} is malformed`);
  }
  return view as CaseView;
}
