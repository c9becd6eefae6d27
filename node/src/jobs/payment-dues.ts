import { MessageType, nextDue, type RemedyRecord } from "@frx/spec";
import type { AppContext } from "../context.js";
import { nodeParticipant, noticeOps } from "../domain/notices.js";
import { appendTimeline } from "../domain/timeline.js";
import { DUE_PREFIX, paymentWakeOps } from "../pipeline/payment-due-ops.js";
import type { CaseRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Payment due dates (FRX-REM-302, FRX-REM-303), run by the deadline scheduler's tick on the
 * claimant's node: each claim whose indexed due instant has passed gets one `deadline.overdue`
 * (`deadline` `payment`) per instalment that the total paid does not cover, to the claimant,
 * the claim's recipients at this node and the national coordinator(s); the instalment is
 * recorded as overdue on the claim, so it is never notified twice and a payment clears it.
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
  for (let due = nextDue(next); due && due.dueMs <= now.getTime(); due = nextDue(next)) {
    const money = (amount: string) => ({ amount, currency: next.currency! });
    const notice = noticeOps(ctx, MessageType.DeadlineOverdue, {
      case: next.case,
      to,
      body: {
        deadline: "payment",
        dueAt: due.dueAt,
        claimRef: next.claimRef,
        instalment: due.instalment,
        amountDue: money(due.amountDue),
        amountPaid: money(next.paid),
        level: 1,
        escalatedTo: local(coordinators).map((participant) => ({ participant })),
      },
    });
    ops.push(...notice.ops);
    ctx.metrics.inc("frx_deadline_notices_total", { type: notice.message.type, kind: "payment" });
    notified.push(...to);
    const at = notice.message.sentAt;
    (next.overdue ??= []).push({
      instalment: due.instalment,
      dueAt: due.dueAt,
      amountDue: due.amountDue,
      scheduledBy: next.scheduledBy!,
      noticeId: notice.message.id,
      notifiedAt: at,
    });
    next.updatedAt = at;
    if (record) {
      const entry: TimelineEntry = {
        at,
        messageId: notice.message.id,
        type: notice.message.type,
        from: notice.message.from,
        to,
        note: `remedy ${next.claimRef}: instalment ${due.instalment} due ${due.dueAt} unpaid (${next.paid} of ${due.amountDue} ${next.currency})`,
      };
      ops.push(appendTimeline(record, entry));
    }
  }
  if ((next.overdue?.length ?? 0) !== (current.overdue?.length ?? 0)) {
    ops.push({ type: "put", aggregate: "remedies", key: claimKey, value: next });
    if (record) ops.push({ type: "put", aggregate: "cases", key: record.case, value: record });
  }
  // The wake just read is deleted above; index the next due date, if any (always later than now).
  ops.push(...paymentWakeOps(ctx.config.node, claimKey, undefined, next));
  return { commit: ctx.store.commit(ops) };
}
