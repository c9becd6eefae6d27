import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import { DeliveryTimeline, replyKey, type OutboxItem, type ReplyEvidence } from "./outbox-store.js";
import { expired, nextFlightOps } from "./next-flight.js";
import { endFlightOps, settlementOps } from "./settlement.js";
import { attemptFlight, type Attempt } from "./flight-attempt.js";
import { PeerBackoff } from "./peer-backoff.js";
import { busyOf, loadWindow, windowSize, type WindowEntry } from "./window.js";

/**
 * Delivers one peer's queue through a window of up to W transactions in flight (FRX-FED-047),
 * each sent by its own lane: a lane takes a transaction recorded before a restart, or builds a
 * new one from the queue (never with an envelope of a case another transaction in flight
 * carries, FRX-FED-087), sends it until a valid reply settles it, and builds the next one in
 * the same write as that settlement. A failed attempt backs the whole peer off (capped
 * exponential, full jitter, FRX-FED-048); while it is failing, one lane at a time probes it
 * (FRX-FED-088), and a valid reply or word from the peer opens the window again.
 */
export class PeerWorker {
  /** The transactions in flight, by store key, as recorded. */
  private readonly window = new Map<string, WindowEntry>();
  private loaded: Promise<void> | null = null;
  private readonly lanes = new Set<Promise<void>>();
  private kicks = 0;
  private stopped = false;
  private readonly backoff: PeerBackoff;
  /** For operators (the admin API's outbox view): what went wrong last, and when. */
  private lastError: string | undefined;
  private lastContactAt: string | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly peer: string,
  ) {
    this.backoff = new PeerBackoff(ctx);
  }

  /**
   * New work for the peer: one more lane if the window has room. It does not cut a backoff
   * short: the peer failed, and more envelopes for it are no reason to try again sooner.
   */
  kick(): void {
    this.kicks++;
    this.addLane();
  }

  /** The peer was heard from (it sent us a transaction or a wake): retry now (FRX-FED-049). */
  resetBackoff(): void {
    this.backoff.succeeded();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.backoff.stop();
    await Promise.all([...this.lanes]);
  }

  status(): {
    backoffMs: number;
    attempts: number;
    busy: boolean;
    inFlight: number;
    lastError?: string;
    lastContactAt?: string;
    nextAttemptAt?: string;
  } {
    const { backoffMs, attempts, nextAttemptAt } = this.backoff;
    return {
      backoffMs,
      attempts,
      busy: this.lanes.size > 0,
      inFlight: this.window.size,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastContactAt ? { lastContactAt: this.lastContactAt } : {}),
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
    };
  }

  private addLane(): void {
    if (this.stopped || this.lanes.size >= windowSize(this.ctx)) return;
    const lane: Promise<void> = this.lane()
      .catch((error: unknown) =>
        this.ctx.logger.error("outbox.lane-crashed", { peer: this.peer, error: String(error) }),
      )
      .finally(() => this.lanes.delete(lane));
    this.lanes.add(lane);
  }

  /** Sends one transaction of the window after another, until nothing more may go. */
  private async lane(): Promise<void> {
    this.loaded ??= loadWindow(this.ctx, this.peer).then(
      (entries) => entries.forEach((e) => this.window.set(e.key, e)),
      (error: unknown) => {
        this.loaded = null;
        throw error;
      },
    );
    await this.loaded;
    let entry: WindowEntry | null = null;
    while (!this.stopped) {
      const probe = await this.backoff.turn();
      if (this.stopped) break;
      if (!entry) {
        const seen = this.kicks;
        entry = await this.claim().catch((error: unknown) => {
          this.backoff.release(probe);
          throw error;
        });
        if (!entry) {
          this.backoff.release(probe);
          if (this.kicks === seen) break;
          continue;
        }
        // More may be queued: let the window fill.
        this.addLane();
      }
      const epoch = this.backoff.current;
      let result: Attempt;
      try {
        result = await attemptFlight(this.ctx, this.peer, entry);
      } catch (error) {
        this.ctx.logger.error("outbox.attempt-crashed", { peer: this.peer, error: String(error) });
        result = { kind: "failed", error: String(error), heard: false };
      }
      try {
        entry = await this.conclude(entry, result, epoch);
      } finally {
        this.backoff.release(probe);
      }
    }
    if (entry) entry.owned = false;
  }

  /** A transaction for this lane: one recorded that no lane sends, or a new one if the window has room. */
  private async claim(): Promise<WindowEntry | null> {
    for (const e of this.window.values())
      if (!e.owned) {
        e.owned = true;
        return e;
      }
    const ctx = this.ctx;
    const { commit, entry } = await ctx.serial.run(async () => {
      // No new transaction while the window is full, counting any resumed beyond it (FRX-FED-089).
      if (this.stopped || this.window.size >= windowSize(ctx))
        return { commit: Promise.resolve(), entry: null };
      const timeline = new DeliveryTimeline(ctx);
      const built = await nextFlightOps(
        ctx,
        this.peer,
        ctx.clock.now(),
        timeline,
        busyOf(this.window.values()),
      );
      const ops = [...built.ops, ...timeline.ops()];
      if (built.entry) this.window.set(built.entry.key, built.entry);
      return {
        commit: ops.length > 0 ? ctx.store.commit(ops) : Promise.resolve(),
        entry: built.entry,
      };
    });
    // Recorded before it is sent the first time (FRX-FED-047).
    await commit;
    return entry;
  }

  /** Acts on an attempt's outcome; returns what the lane sends next (the same transaction after a failure). */
  private async conclude(
    entry: WindowEntry,
    result: Attempt,
    epoch: number,
  ): Promise<WindowEntry | null> {
    const ctx = this.ctx;
    if (result.kind === "empty") return this.close(entry, () => Promise.resolve([]), true);
    if (result.kind === "end") {
      const { items, fate } = result;
      return this.close(
        entry,
        (timeline, at) => endFlightOps(ctx, this.peer, entry.flight, items, fate, timeline, at),
        true,
      );
    }
    if (result.kind === "replied" || result.heard)
      this.lastContactAt = ctx.clock.now().toISOString();
    if (result.kind === "failed") {
      this.lastError = result.error;
      const abandoned = await this.abandonIfExpired(entry);
      this.backoff.failed(epoch);
      return abandoned ? null : entry;
    }
    this.lastError = undefined;
    const { items, verdicts, reply } = result;
    const kept = verdicts.some((v) => v.kind === "kept");
    // The next transaction is built in the same write, so a drain costs one synced write per
    // transaction; not when an envelope is kept for a later one (the worker backs off first).
    const next = await this.close(
      entry,
      async (timeline, at) => [
        {
          type: "put",
          aggregate: "deliveries",
          key: replyKey(this.peer, entry.flight.txnId),
          value: {
            peer: this.peer,
            txnId: entry.flight.txnId,
            reply,
            at,
          } satisfies ReplyEvidence,
        },
        ...(await settlementOps(ctx, this.peer, entry.flight, items, verdicts, timeline, at)),
      ],
      !kept,
    );
    ctx.metrics.inc("frx_federation_transactions_sent_total", { peer: this.peer });
    // A kept envelope goes again in a later transaction, after the backoff: retrying at once
    // would only get the same receipt back while the cause lasts (FRX-FED-045).
    if (kept) this.backoff.failed(epoch);
    else this.backoff.succeeded();
    return next;
  }

  /**
   * Ends a transaction of the window in one write: `build`'s ops, the record's removal and,
   * when `next`, the lane's next transaction from the queue (the ended one's envelopes, which
   * the store still shows until this write, excluded).
   */
  private async close(
    entry: WindowEntry,
    build: (timeline: DeliveryTimeline, at: string) => Promise<Op[]>,
    next: boolean,
  ): Promise<WindowEntry | null> {
    const ctx = this.ctx;
    const { commit, following } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const timeline = new DeliveryTimeline(ctx);
      const ops = await build(timeline, at);
      ops.push({ type: "del", aggregate: "outbox", key: entry.key });
      const others = [...this.window.values()].filter((e) => e !== entry);
      let following: WindowEntry | null = null;
      if (next && !this.stopped && others.length < windowSize(ctx)) {
        const built = await nextFlightOps(
          ctx,
          this.peer,
          ctx.clock.now(),
          timeline,
          busyOf(others, entry.flight.keys),
        );
        ops.push(...built.ops);
        following = built.entry;
      }
      ops.push(...timeline.ops());
      this.window.delete(entry.key);
      if (following) this.window.set(following.key, following);
      return { commit: ctx.store.commit(ops), following };
    });
    await commit;
    return following;
  }

  /**
   * After a failed attempt, whatever the cause: if the transaction carries an envelope past its
   * expiresAt, abandon its txnId, dead-letter the expired envelopes and put the others back in
   * their places in the queue, to go out in a new transaction (FRX-FED-051, FRX-FED-053).
   */
  private async abandonIfExpired(entry: WindowEntry): Promise<boolean> {
    const ctx = this.ctx;
    try {
      const now = ctx.clock.now();
      const items = (
        await Promise.all(entry.flight.keys.map((k) => ctx.store.get<OutboxItem>("outbox", k)))
      ).filter((i): i is OutboxItem => !!i);
      if (!items.some((i) => expired(i, now))) return false;
      await this.close(
        entry,
        (timeline, at) =>
          endFlightOps(
            ctx,
            this.peer,
            entry.flight,
            items,
            (i) =>
              expired(i, now)
                ? {
                    reason: "expired",
                    errorCode: "delivery.expired",
                    detail: "not delivered before its expiresAt",
                  }
                : null,
            timeline,
            at,
          ),
        false,
      );
      ctx.logger.info("outbox.transaction-abandoned", {
        peer: this.peer,
        txnId: entry.flight.txnId,
        reason: "an envelope in it expired",
      });
      return true;
    } catch (error) {
      ctx.logger.error("outbox.expiry-failed", { peer: this.peer, error: String(error) });
      return false;
    }
  }
}
