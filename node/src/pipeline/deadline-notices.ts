import {
  FrxError,
  MessageType,
  type AnyMessage,
  type InvestigationRecord,
  type ReferralRecord,
  type RemedyRecord,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { authorityOf, nodeOf } from "../domain/deadline-parties.js";
import { remedyKey } from "./effects.js";
import { nodeParticipant } from "../domain/notices.js";
import type { ParticipantRecord } from "../store/records.js";

/** `deadline.reminder` and `deadline.overdue`: the notices only a thread's authoritative node sends. */
export function isDeadlineNotice(message: AnyMessage): boolean {
  return (
    message.type === MessageType.DeadlineReminder || message.type === MessageType.DeadlineOverdue
  );
}

/** Whether a participant of this node receives escalations (its directory marks it coordinator). */
export function isCoordinator(p: ParticipantRecord): boolean {
  return p.coordinator || p.roles.includes("national_coordinator");
}

/**
 * A deadline notice is the authoritative node's word about a thread (FRX-DL-001): it must name
 * a thread this node holds, of the envelope's case, and come from `<node>:NODE` of the node
 * authoritative for it as this node's own record says (the referral's recipient, the
 * investigation's proposer, the claim's claimant), never as the notice says (FRX-DL-012).
 * Otherwise a peer could escalate, or at level 2 expire, a referral it has no say over.
 */
export async function assertDeadlineAuthority(ctx: AppContext, message: AnyMessage): Promise<void> {
  if (!isDeadlineNotice(message)) return;
  const { investigationId, claimRef } = message.body as {
    investigationId?: string;
    claimRef?: string;
  };
  const [named, pointer, thread] = claimRef
    ? [`claim ${claimRef}`, "/body/claimRef", await claim(ctx, message.case, claimRef)]
    : investigationId
      ? [
          `investigation ${investigationId}`,
          "/body/investigationId",
          await investigation(ctx, investigationId),
        ]
      : [
          `referral ${message.referral}`,
          "/referral",
          message.referral ? await referral(ctx, message.referral) : undefined,
        ];
  if (!thread || thread.record.case !== message.case) {
    const detail = `${named} of case ${message.case} is not known here`;
    throw new FrxError("state.referral-unknown", detail, [
      { pointer, code: "state.referral-unknown", message: detail },
    ]);
  }
  // A payment due date is the claimant's node's to report (FRX-REM-015).
  const authority =
    thread.machine === "remedy" ? nodeOf(thread.record.claimant) : authorityOf(thread);
  if (message.from !== nodeParticipant(authority)) {
    const detail = `${named} runs its deadlines at node ${authority}; ${message.from} may not send its deadline notices`;
    throw new FrxError("state.actor-forbidden", detail, [
      { pointer: "/from", code: "state.actor-forbidden", message: detail },
    ]);
  }
}

type Held =
  | { machine: "referral"; record: ReferralRecord }
  | { machine: "investigation"; record: InvestigationRecord }
  | { machine: "remedy"; record: RemedyRecord };

async function referral(ctx: AppContext, id: string): Promise<Held | undefined> {
  const record = await ctx.store.get<ReferralRecord>("referrals", id);
  return record ? { machine: "referral", record } : undefined;
}

async function investigation(ctx: AppContext, id: string): Promise<Held | undefined> {
  const record = await ctx.store.get<InvestigationRecord>("investigations", id);
  return record ? { machine: "investigation", record } : undefined;
}

async function claim(
  ctx: AppContext,
  caseId: string | undefined,
  claimRef: string,
): Promise<Held | undefined> {
  if (!caseId) return undefined;
  const record = await ctx.store.get<RemedyRecord>("remedies", remedyKey(caseId, claimRef));
  return record ? { machine: "remedy", record } : undefined;
}
