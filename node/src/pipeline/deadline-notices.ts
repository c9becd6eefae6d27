import {
  FrxError,
  MessageType,
  type AnyMessage,
  type InvestigationRecord,
  type ReferralRecord,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { authorityOf } from "../domain/deadline-parties.js";
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
 * investigation's proposer), never as the notice says (FRX-DL-205). Otherwise a peer could
 * escalate, or at level 2 expire, a referral it has no say over.
 */
export async function assertDeadlineAuthority(ctx: AppContext, message: AnyMessage): Promise<void> {
  if (!isDeadlineNotice(message)) return;
  const investigationId = (message.body as { investigationId?: string }).investigationId;
  const thread = investigationId
    ? await investigation(ctx, investigationId)
    : message.referral
      ? await referral(ctx, message.referral)
      : undefined;
  const named = investigationId
    ? `investigation ${investigationId}`
    : `referral ${message.referral}`;
  if (!thread || thread.record.case !== message.case)
    throw new FrxError(
      "state.referral-unknown",
      `${named} of case ${message.case} is not known here`,
      [
        {
          pointer: investigationId ? "/body/investigationId" : "/referral",
          code: "state.referral-unknown",
          message: `no ${named} of this case here`,
        },
      ],
    );
  const authority = authorityOf(thread);
  if (message.from !== nodeParticipant(authority)) {
    const detail = `${named} runs its deadlines at node ${authority}; ${message.from} may not send its deadline notices`;
    throw new FrxError("state.actor-forbidden", detail, [
      { pointer: "/from", code: "state.actor-forbidden", message: detail },
    ]);
  }
}

async function referral(ctx: AppContext, id: string) {
  const record = await ctx.store.get<ReferralRecord>("referrals", id);
  return record ? { machine: "referral" as const, record } : undefined;
}

async function investigation(ctx: AppContext, id: string) {
  const record = await ctx.store.get<InvestigationRecord>("investigations", id);
  return record ? { machine: "investigation" as const, record } : undefined;
}
