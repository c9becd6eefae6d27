import { MessageType, nextDue, type RemedyRecord } from "@frx/spec";
import type { AppContext } from "../context.js";
import { nodeParticipant, noticeOps } from "../domain/notices.js";
import { appendTimeline } from "../domain/timeline.js";
import { DUE_PREFIX, paymentWakeOps } from "../pipeline/payment-due-ops.js";
import type { CaseRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Overdue instalments kept on a claim (the case view's bound); a schedule has at most 120, so
 * the current schedule's are never the ones dropped.
 */
const MAX_OVERDUE = 1000;

/**
 * Payment due dates (FRX-REM-015, FRX-REM-016), run by the deadline scheduler's tick on the
 * claimant's node: a claim whose indexed due instant has passed gets one `deadline.overdue`
 * (`deadline` `payment`) naming the latest instalment due and not covered by the total paid, to
 * the claimant, the claim's recipients at this node and the national coordinator(s); every
 * such instalment is recorded as overdue on the claim, so it is never notified twice and a
 * payment clears it.
 * `notified` collects the recipients, to wake their long-polls once the batch is on disk.
 */
export async function runPaymentDues(
  ctx: AppContext,
  now: string,
  notified: string[],
): Promise<number> {
  const due = await ctx.store.range<string>("remedies", {
    gte: DUE_PREFIX,
    lt: `${DUE_PREFIX}${now}~`,
  });
  let moved = 0;
  for (const [wake, claimKey] of due) {
    const { commit } = await ctx.serial.run(() => advance(ctx, wake, claimKey, notified));
    await commit;
    moved++;
  }
  return moved;
}

async function advance(
  ctx: AppContext,
  wake: string,
  claimKey: string,
  notified: string[],
): Promise<{ commit: Promise<void> }> {
  const current = await ctx.store.get<RemedyRecord>("remedies", claimKey);
  const ops: Op[] = [{ type: "del", aggregate: "remedies", key: wake }];
  if (!current) return { commit: ctx.store.commit(ops) };
  const now = ctx.clock.now();
  const next = structuredClone(current);
  const caseRecord = await ctx.store.get<CaseRecord>("cases", next.case);
  const record = caseRecord ? structuredClone(caseRecord) : undefined;
  const local = (ids: string[]) =>
    ids.filter(
      (p) => p.startsWith(`${ctx.config.node}:`) && p !== nodeParticipant(ctx.config.node),
    );
  const coordinators = (await ctx.directory.coordinators()).map((p) => p.id);
  const to = [...new Set(local([next.claimant, ...next.recipients, ...coordinators]))];
  // Every instalment due by now and not covered; one notice names the latest of them, whose
  // amountDue covers the earlier ones, so a schedule full of past dates costs one notice.
  const due: Array<NonNullable<ReturnType<typeof nextDue>>> = [];
  const scheduledBy = next.scheduledBy!;
  for (let d = nextDue(next); d && d.dueMs <= now.getTime(); d = nextDue(next)) {
    due.push(d);
    (next.overdue ??= []).push({
      instalment: d.instalment,
      dueAt: d.dueAt,
      amountDue: d.amountDue,
      scheduledBy,
    });
  }
  // The case view lists at most this many (api/case-view.json): a claim rescheduled again and
  // again keeps the latest.
  if (next.overdue && next.overdue.length > MAX_OVERDUE)
    next.overdue.splice(0, next.overdue.length - MAX_OVERDUE);
  const latest = due.at(-1);
  if (latest) {
    const money = (amount: string) => ({ amount, currency: next.currency! });
    const notice = noticeOps(ctx, MessageType.DeadlineOverdue, {
      case: next.case,
      to,
      body: {
        deadline: "payment",
        dueAt: latest.dueAt,
        claimRef: next.claimRef,
        instalment: latest.instalment,
        amountDue: money(latest.amountDue),
        amountPaid: money(next.paid),
        level: 1,
        escalatedTo: local(coordinators).map((participant) => ({ participant })),
      },
    });
    ops.push(...notice.ops);
    ctx.metrics.inc("frx_deadline_notices_total", { type: notice.message.type, kind: "payment" });
    notified.push(...to);
    const at = notice.message.sentAt;
    for (const o of next.overdue!.slice(-Math.min(due.length, MAX_OVERDUE))) {
      o.noticeId = notice.message.id;
      o.notifiedAt = at;
    }
    next.updatedAt = at;
    if (record) {
      const entry: TimelineEntry = {
        at,
        messageId: notice.message.id,
        type: notice.message.type,
        from: notice.message.from,
        to,
        note: `remedy ${next.claimRef}: instalment ${latest.instalment} due ${latest.dueAt} unpaid (${next.paid} of ${latest.amountDue} ${next.currency} paid)`,
      };
      ops.push(appendTimeline(record, entry));
    }
  }
  if (due.length > 0) {
    ops.push({ type: "put", aggregate: "remedies", key: claimKey, value: next });
    if (record) ops.push({ type: "put", aggregate: "cases", key: record.case, value: record });
  }
  // The wake just read is deleted above; index the next due date, if any (always later than now).
  ops.push(...paymentWakeOps(ctx.config.node, claimKey, undefined, next));
  return { commit: ctx.store.commit(ops) };
}
