import { appendTimeline } from "../domain/timeline.js";
import { applyReferral, isFrxError, MessageType, type ReferralRecord } from "@frx/spec";
import type { AppContext } from "../context.js";
import { nodeParticipant, noticeOps } from "../domain/notices.js";
import { deadlineOps, removeDeadlineOps } from "../pipeline/deadline-ops.js";
import { runPaymentDues } from "./payment-dues.js";
import type { CaseRecord, DeadlineRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Walks deadlines that need attention now, in due order: a reminder to the party who must
 * act at the rule's fraction; at the deadline an overdue notice escalated to the referrer
 * and the national coordinator; at twice the deadline a second escalation, and the referral
 * moves to `expired` where the machine allows it. State lives in the store, so the schedule
 * survives restarts; a missed wake-up is caught up on the next tick.
 */
export class DeadlineScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly ctx: AppContext) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () =>
        void this.tick().catch((e) =>
          this.ctx.logger.error("deadlines.tick-failed", { error: String(e) }),
        ),
      this.ctx.config.schedulerIntervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Handles everything due by now; returns how many deadlines moved. */
  tick(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    const now = this.ctx.clock.now().toISOString();
    const due = await this.ctx.store.range<string>("deadlines", { gte: "w!", lt: `w!${now}~` });
    let moved = 0;
    for (const [, id] of due) {
      const { commit } = await this.ctx.serial.run(() => this.advance(id, now));
      await commit;
      // Wake any long-poll waiting on an inbox this notice went to.
      for (const p of this.notified.splice(0)) this.ctx.inboxSignal.notify(p);
      moved++;
    }
    // Remedy payment due dates ride on the same tick, lease and clock (FRX-REM-302).
    moved += await runPaymentDues(this.ctx, now, this.notified);
    for (const p of this.notified.splice(0)) this.ctx.inboxSignal.notify(p);
    return moved;
  }

  /** Recipients of notices in the batch being written, woken once it is on disk. */
  private readonly notified: string[] = [];

  private async advance(id: string, now: string): Promise<{ commit: Promise<void> }> {
    const ctx = this.ctx;
    const d = await ctx.store.get<DeadlineRecord>("deadlines", `r!${id}`);
    if (!d) return { commit: Promise.resolve() };
    const referral = await ctx.store.get<ReferralRecord>("referrals", d.subject);
    const ops: Op[] = [];
    let next: DeadlineRecord = d;
    const local = (ids: string[]) =>
      ids.filter(
        (p) => p.startsWith(`${ctx.config.node}:`) && p !== nodeParticipant(ctx.config.node),
      );
    const actor = referral ? local([referral.recipient]) : [];
    if (d.stage === "pending" && now >= d.remindAt) {
      next = { ...d, stage: "reminded" };
      if (actor.length > 0) ops.push(...this.notice(MessageType.DeadlineReminder, d, actor, {}));
    } else if (d.stage === "reminded" && now >= d.dueAt) {
      next = { ...d, stage: "overdue" };
      const to = local([...new Set([...actor, ...d.notify])]);
      if (to.length > 0)
        ops.push(
          ...this.notice(MessageType.DeadlineOverdue, d, to, {
            level: 1,
            escalatedTo: local(d.notify).map((participant) => ({ participant })),
          }),
        );
    } else if (d.stage === "overdue" && now >= d.expireAt) {
      next = { ...d, stage: "expired" };
      const to = local([...new Set([...actor, ...d.notify])]);
      const notice =
        to.length > 0
          ? this.noticeWithMessage(MessageType.DeadlineOverdue, d, to, {
              level: 2,
              escalatedTo: local(d.notify).map((participant) => ({ participant })),
            })
          : null;
      if (notice) ops.push(...notice.ops);
      if (referral && notice) ops.push(...(await this.expire(referral, notice.message, now)));
    } else {
      return { commit: Promise.resolve() };
    }
    ops.push(...(next.stage === "expired" ? removeDeadlineOps(d) : deadlineOps(next, d)));
    return { commit: ctx.store.commit(ops) };
  }

  private notice(
    type: MessageType,
    d: DeadlineRecord,
    to: string[],
    extra: Record<string, unknown>,
  ): Op[] {
    return this.noticeWithMessage(type, d, to, extra).ops;
  }

  private noticeWithMessage(
    type: MessageType,
    d: DeadlineRecord,
    to: string[],
    extra: Record<string, unknown>,
  ) {
    this.ctx.metrics.inc("frx_deadline_notices_total", { type, kind: d.kind });
    this.notified.push(...to);
    return noticeOps(this.ctx, type, {
      case: d.case,
      referral: d.subject,
      to,
      body: {
        deadline: d.kind,
        // Level 2 escalates the second instant missed: twice the deadline (FRX-MSG-007).
        dueAt: extra.level === 2 ? d.expireAt : d.dueAt,
        ...(d.startedBy ? { messageId: d.startedBy } : {}),
        ...extra,
      },
    });
  }

  /** Moves the referral to `expired` when the machine allows it from its state, and records it on the case. */
  private async expire(
    referral: ReferralRecord,
    notice: Parameters<typeof applyReferral>[1],
    at: string,
  ): Promise<Op[]> {
    try {
      const next = applyReferral(referral, notice, "node");
      const c = await this.ctx.store.get<CaseRecord>("cases", referral.case);
      const ops: Op[] = [{ type: "put", aggregate: "referrals", key: next.referral, value: next }];
      if (c) {
        const entry: TimelineEntry = {
          at,
          messageId: notice.id,
          type: notice.type,
          from: notice.from,
          to: [],
          referral: next.referral,
          state: next.state,
          note: `referral ${next.referral}: ${referral.state} → ${next.state}`,
        };
        const record = structuredClone(c);
        ops.push(appendTimeline(record, entry));
        ops.push({ type: "put", aggregate: "cases", key: record.case, value: record });
      }
      return ops;
    } catch (error) {
      if (isFrxError(error)) return []; // e.g. already accepted: the escalation stands, the state does not change
      throw error;
    }
  }
}
