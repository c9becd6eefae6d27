import type { AnyMessage, InvestigationRecord, ReferralRecord } from "@frx/spec";
import type { AppContext } from "../context.js";
import { authorityOf, escalationTargets } from "../domain/deadline-parties.js";
import { deadlineEffects, nextWake, planDeadline } from "../domain/deadlines.js";
import type { DeadlineRecord } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Deadlines live in one sublevel under two prefixes: `r!<id>` holds the record and
 * `w!<instant>!<id>` indexes when it next needs attention, so the scheduler reads only
 * what is due.
 */
export function deadlineOps(record: DeadlineRecord, previous?: DeadlineRecord): Op[] {
  const ops: Op[] = [];
  if (previous) ops.push(...removeWake(previous));
  ops.push({ type: "put", aggregate: "deadlines", key: `r!${record.id}`, value: record });
  const wake = nextWake(record);
  if (wake)
    ops.push({
      type: "put",
      aggregate: "deadlines",
      key: `w!${wake}!${record.id}`,
      value: record.id,
    });
  return ops;
}

export function removeDeadlineOps(record: DeadlineRecord): Op[] {
  return [{ type: "del", aggregate: "deadlines", key: `r!${record.id}` }, ...removeWake(record)];
}

function removeWake(record: DeadlineRecord): Op[] {
  const wake = nextWake(record);
  return wake ? [{ type: "del", aggregate: "deadlines", key: `w!${wake}!${record.id}` }] : [];
}

/**
 * What a message does to its thread's deadlines (FRX-DL-001, FRX-DL-002): the rules it meets
 * stop, the rules it starts (or restarts) run from `at`, the instant it was stored. Only the
 * thread's authoritative node runs them (the referral recipient's, the investigation
 * proposer's); elsewhere a thread has no deadline records. An investigation's `respond`
 * deadline runs for every invitee at once and is met when none owes an answer any more.
 */
export async function threadDeadlineOps(
  ctx: AppContext,
  message: AnyMessage,
  thread:
    | { machine: "referral"; record: ReferralRecord }
    | { machine: "investigation"; record: InvestigationRecord },
  at: string,
): Promise<Op[]> {
  const ops: Op[] = [];
  const subject =
    thread.machine === "referral" ? thread.record.referral : thread.record.investigation;
  const { start, stop } = deadlineEffects(thread.machine, message.type);
  for (const rule of stop) {
    if (thread.machine === "investigation" && thread.record.state === "proposed") continue;
    const existing = await ctx.store.get<DeadlineRecord>(
      "deadlines",
      `r!${thread.machine}:${subject}:${rule.kind}`,
    );
    if (existing) ops.push(...removeDeadlineOps(existing));
  }
  if (start.length === 0 || authorityOf(thread) !== ctx.config.node) return ops;
  const urgency = thread.machine === "referral" ? thread.record.urgency : "routine";
  const view =
    thread.machine === "referral"
      ? {
          machine: thread.machine,
          state: thread.record.state,
          terminal: false,
          owes: [thread.record.recipient],
          creator: thread.record.referrer,
        }
      : {
          machine: thread.machine,
          state: thread.record.state,
          terminal: false,
          owes: Object.keys(thread.record.responses),
          creator: thread.record.proposer,
        };
  for (const rule of start) {
    const notify = [...new Set([...view.owes, ...(await escalationTargets(ctx, rule, view))])];
    const record = planDeadline(
      ctx.config,
      thread.machine,
      rule,
      subject,
      thread.record.case,
      urgency,
      new Date(at),
      notify,
    );
    ops.push(...deadlineOps({ ...record, startedBy: message.id }));
  }
  return ops;
}
