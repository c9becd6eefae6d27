import { appendTimeline } from "../domain/timeline.js";
import {
  applyReferral,
  isFrxError,
  machine,
  MessageType,
  type AnyMessage,
  type ReferralRecord,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { noticeOps } from "../domain/notices.js";
import { escalationTargets, threadOf, type DeadlineThread } from "../domain/deadline-parties.js";
import { deadlineOps, removeDeadlineOps } from "../pipeline/deadline-ops.js";
import { runPaymentDues } from "./payment-dues.js";
import type { CaseRecord, DeadlineRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Walks deadlines that need attention now, in due order: a reminder to the party who must
 * act at the rule's fraction; at the deadline an overdue notice to that party and to the
 * rule's `escalateTo` (the referrer or proposer and the national coordinators of the
 * countries the thread spans); at the doubled deadline a second escalation, and the referral
 * moves to `expired` where the machine allows it. Recipients at other nodes get the notice
 * through the outbox (FRX-FED-059). Only the thread's authoritative node holds deadlines
 * (FRX-DL-001), so nothing is sent twice. State lives in the store, so the schedule
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
      // Wake any long-poll waiting on an inbox this notice went to, and the peers' outboxes.
      for (const p of this.notified.splice(0)) this.ctx.inboxSignal.notify(p);
      for (const peer of this.queued.splice(0)) this.ctx.outbox.notify(peer);
      moved++;
    }
    // Remedy payment due dates ride on the same tick, lease and clock (FRX-REM-015).
    moved += await runPaymentDues(this.ctx, now, this.notified);
    for (const p of this.notified.splice(0)) this.ctx.inboxSignal.notify(p);
    return moved;
  }

  /** Recipients of notices in the batch being written, woken once it is on disk. */
  private readonly notified: string[] = [];
  /** Peers the batch queues notices for. */
  private readonly queued: string[] = [];

  private async advance(id: string, now: string): Promise<{ commit: Promise<void> }> {
    const ctx = this.ctx;
    const d = await ctx.store.get<DeadlineRecord>("deadlines", `r!${id}`);
    if (!d) return { commit: Promise.resolve() };
    const thread = await threadOf(ctx, d);
    const rule = machine(d.machine).deadlines.find((r) => r.kind === d.kind);
    // No notice for a thread that is gone or over (FRX-DL-007): the deadline just ends.
    if (!thread || thread.terminal || !rule)
      return { commit: ctx.store.commit(removeDeadlineOps(d)) };
    const c = await ctx.store.get<CaseRecord>("cases", d.case);
    const lines = c ? structuredClone(c) : undefined;
    const ops: Op[] = [];
    let next: DeadlineRecord = d;
    if (d.stage === "pending" && now >= d.remindAt) {
      next = { ...d, stage: "reminded" };
      ops.push(...this.notice(MessageType.DeadlineReminder, d, thread.owes, {}, lines).ops);
    } else if (
      (d.stage === "reminded" && now >= d.dueAt) ||
      (d.stage === "overdue" && now >= d.expireAt)
    ) {
      const level = d.stage === "reminded" ? 1 : 2;
      next = { ...d, stage: level === 1 ? "overdue" : "expired" };
      const escalated = await escalationTargets(ctx, rule, thread);
      const notice = this.notice(
        MessageType.DeadlineOverdue,
        d,
        [...new Set([...thread.owes, ...escalated])],
        { level, escalatedTo: escalated.map((participant) => ({ participant })) },
        lines,
      );
      ops.push(...notice.ops);
      if (level === 2 && thread.referral)
        ops.push(...this.expire(thread, thread.referral, notice.message, now, lines));
    } else {
      return { commit: Promise.resolve() };
    }
    if (lines) ops.push({ type: "put", aggregate: "cases", key: lines.case, value: lines });
    ops.push(...(next.stage === "expired" ? removeDeadlineOps(d) : deadlineOps(next, d)));
    return { commit: ctx.store.commit(ops) };
  }

  /**
   * One notice about `d` to `to` (here and at peers), with its lines on the case timeline:
   * the notice itself and, for each peer it is queued for, "queued for <peer>".
   */
  private notice(
    type: MessageType,
    d: DeadlineRecord,
    to: string[],
    extra: { level?: number; escalatedTo?: Array<{ participant: string }> },
    lines: CaseRecord | undefined,
  ): { ops: Op[]; message?: AnyMessage } {
    if (to.length === 0) return { ops: [] };
    this.ctx.metrics.inc("frx_deadline_notices_total", { type, kind: d.kind });
    const notice = noticeOps(this.ctx, type, {
      case: d.case,
      ...(d.machine === "referral" ? { referral: d.subject } : {}),
      to,
      body: {
        deadline: d.kind,
        // Level 2 escalates the second instant missed: the doubled deadline (FRX-MSG-007).
        dueAt: extra.level === 2 ? d.expireAt : d.dueAt,
        ...(d.startedBy ? { messageId: d.startedBy } : {}),
        ...(d.machine === "investigation" ? { investigationId: d.subject } : {}),
        ...extra,
      },
    });
    const here = to.filter((p) => p.startsWith(`${this.ctx.config.node}:`));
    this.notified.push(...here);
    this.queued.push(...notice.queuedFor);
    const ops = [...notice.ops];
    if (lines) {
      const at = notice.message.sentAt;
      const base = { at, messageId: notice.message.id, from: notice.message.from };
      const referral = d.machine === "referral" ? { referral: d.subject } : {};
      ops.push(
        appendTimeline(lines, {
          ...base,
          type,
          to,
          ...referral,
          note: `${d.kind} deadline${extra.level ? ` overdue, level ${extra.level}` : " reminder"}`,
        }),
      );
      for (const peer of notice.queuedFor)
        ops.push(
          appendTimeline(lines, {
            ...base,
            type: "delivery",
            from: this.ctx.config.node,
            to: [peer],
            note: `queued for ${peer}`,
          }),
        );
    }
    return { ops, message: notice.message };
  }

  /** Moves the referral to `expired` when the machine allows it from its state, and records it on the case. */
  private expire(
    thread: DeadlineThread,
    referral: ReferralRecord,
    notice: AnyMessage | undefined,
    at: string,
    lines: CaseRecord | undefined,
  ): Op[] {
    if (!notice) return [];
    try {
      const next = applyReferral(referral, notice, "node");
      const ops: Op[] = [{ type: "put", aggregate: "referrals", key: next.referral, value: next }];
      if (lines) {
        const entry: TimelineEntry = {
          at,
          messageId: notice.id,
          type: notice.type,
          from: notice.from,
          to: [],
          referral: next.referral,
          state: next.state,
          note: `referral ${next.referral}: ${thread.state} → ${next.state}`,
        };
        ops.push(appendTimeline(lines, entry));
      }
      return ops;
    } catch (error) {
      if (isFrxError(error)) return []; // e.g. already accepted: the escalation stands, the state does not change
      throw error;
    }
  }
}
