import { parseInstant } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import type { ErasureRecord } from "./erase.js";
import { erasureNotice } from "./notice.js";

/** How long a node keeps retrying an erasure notice before it reports a dead letter (FRX-DP-014). */
export const NOTICE_RETRY_WINDOW_MS = 7 * 86_400_000;

/** An erasure notice on its way to one node, in `erasureNotices` as `q!<erasure>!<node>`. */
export interface PendingNotice {
  erasure: string;
  node: string;
  notice: string;
  queuedAt: string;
  attempts: number;
  lastError?: string;
}

/**
 * The ops that queue the signed notice of `record` for each node it names (FRX-DP-013), for
 * the same batch as the erasure record: an erasure is never on disk without its notices.
 */
export async function noticeQueueOps(ctx: AppContext, record: ErasureRecord): Promise<Op[]> {
  const made = await erasureNotice(ctx, record);
  if (!made) return [];
  return made.nodes.map((node) => ({
    type: "put" as const,
    aggregate: "erasureNotices" as const,
    key: `q!${record.id}!${node}`,
    value: {
      erasure: record.id,
      node,
      notice: made.notice,
      queuedAt: record.at,
      attempts: 0,
    } satisfies PendingNotice,
  }));
}

/** Notices past their window, kept as `dead!<erasure>!<node>` for the operator (FRX-DP-014). */
export async function deadNotices(ctx: AppContext): Promise<PendingNotice[]> {
  return (
    await ctx.store.range<PendingNotice>("erasureNotices", { gte: "dead!", lt: "dead!~" })
  ).map(([, v]) => v);
}

/**
 * Sends queued erasure notices to the nodes they name (FRX-DP-013, FRX-DP-014): each until the
 * node accepts it, with backoff like the outbox's; a refusal or the end of the retry window
 * moves it to a dead letter, reported in the log and kept for the operator.
 */
export class NoticeSender {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(private readonly ctx: AppContext) {}

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Something was queued, or a peer was heard from: try now. */
  kick(): void {
    if (!this.running) return;
    this.failures = 0;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.busy = this.busy.then(() =>
        this.round().catch((error: unknown) => {
          this.ctx.logger.error("erasure.notice-round-crashed", { error: String(error) });
          this.retryLater();
        }),
      );
    }, ms);
  }

  private async round(): Promise<void> {
    if (!this.running) return;
    const pending = await this.ctx.store.range<PendingNotice>("erasureNotices", {
      gte: "q!",
      lt: "q!~",
    });
    let failed = false;
    for (const [key, item] of pending) {
      if (!this.running) return;
      if (!(await this.send(key, item))) failed = true;
    }
    if (failed) this.retryLater();
  }

  private retryLater(): void {
    if (!this.running) return;
    const { backoffBaseMs, backoffCapMs } = this.ctx.config.federation;
    this.failures++;
    // FRX-FED-048: uniformly between 0 and the smaller of the cap and base × 2^n.
    const ceiling = Math.min(backoffCapMs, backoffBaseMs * 2 ** Math.min(this.failures, 30));
    this.schedule(Math.random() * ceiling);
  }

  /** One attempt; true when the notice is settled (accepted, or a dead letter). */
  private async send(key: string, item: PendingNotice): Promise<boolean> {
    const { ctx } = this;
    let error: string;
    let final = false;
    let member: { endpoint: string; status: string } | undefined;
    try {
      // No list in force, or one that suspends this node: nothing leaves (FRX-TRUST-017).
      member = ctx.trust.inForceFor(ctx.config.node).list.members.find((m) => m.node === item.node);
    } catch (e) {
      member = undefined;
      error = String(e);
    }
    if (!member || member.status !== "active")
      error = `node ${item.node} is not an active member of the trust list in force`;
    else {
      try {
        const res = await ctx.peerClient.call(
          "POST",
          `${member.endpoint}/erasure-notices`,
          item.notice,
        );
        if (res.status === 200) {
          await ctx.store.commit([{ type: "del", aggregate: "erasureNotices", key }]);
          ctx.logger.info("erasure.notice-delivered", { erasure: item.erasure, node: item.node });
          return true;
        }
        error = `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
        // A refusal (4xx other than a rate limit) will not change on a retry.
        final = res.status >= 400 && res.status < 500 && res.status !== 429;
      } catch (e) {
        error = String(e);
      }
    }
    const elapsed = ctx.clock.now().getTime() - parseInstant(item.queuedAt);
    const next = { ...item, attempts: item.attempts + 1, lastError: error };
    if (final || elapsed > NOTICE_RETRY_WINDOW_MS) {
      await ctx.store.commit([
        { type: "del", aggregate: "erasureNotices", key },
        { type: "put", aggregate: "erasureNotices", key: `dead!${key.slice(2)}`, value: next },
      ]);
      ctx.logger.error("erasure.notice-dead-letter", {
        erasure: item.erasure,
        node: item.node,
        error,
      });
      return true;
    }
    await ctx.store.commit([{ type: "put", aggregate: "erasureNotices", key, value: next }]);
    return false;
  }
}
