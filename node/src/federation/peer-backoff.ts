import { performance } from "node:perf_hooks";
import type { AppContext } from "../context.js";

/**
 * When the lanes of a peer's window may send. After a failed attempt the whole peer backs off
 * (capped exponential, full jitter, FRX-FED-048) and nothing is sent until the wait is over;
 * then, while the last attempt failed, one lane at a time probes the peer (FRX-FED-088). A valid
 * reply, or word from the peer (FRX-FED-049), opens the window again at once.
 */
export class PeerBackoff {
  attempts = 0;
  backoffMs = 0;
  /** When the next attempt is due, for operators. */
  nextAttemptAt: string | undefined;
  /** performance.now() at which the backoff ends. */
  private ends = 0;
  /** Bumped by each counted failure: attempts under way together fail together, and count once. */
  private epoch = 0;
  private probing = false;
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly ctx: AppContext) {}

  /** The epoch an attempt starts in; `failed` takes it back. */
  get current(): number {
    return this.epoch;
  }

  /**
   * Waits until a lane may send: after the backoff, at once while the peer is not failing,
   * otherwise as the one lane that probes it. Returns whether this lane is the probe, which
   * it must `release` once its attempt is over.
   */
  async turn(): Promise<boolean> {
    for (;;) {
      if (this.stopped) return false;
      const wait = this.ends - performance.now();
      if (wait > 0) await this.sleep(wait);
      else if (this.attempts === 0) return false;
      else if (!this.probing) return (this.probing = true);
      else await this.sleep();
    }
  }

  release(probe: boolean): void {
    if (!probe) return;
    this.probing = false;
    this.wakeAll();
  }

  /** Counts a failed attempt begun in `epoch`, unless one under way with it already started this backoff. */
  failed(epoch: number): void {
    if (epoch !== this.epoch) return;
    this.epoch++;
    this.attempts++;
    const f = this.ctx.config.federation;
    const cap = Math.min(f.backoffCapMs, f.backoffBaseMs * 2 ** Math.min(this.attempts, 30));
    this.backoffMs = cap;
    const wait = Math.random() * cap;
    this.ends = performance.now() + wait;
    this.nextAttemptAt = new Date(this.ctx.clock.now().getTime() + wait).toISOString();
  }

  /** A valid reply, or word from the peer: the backoff is over and the window opens. */
  succeeded(): void {
    this.attempts = 0;
    this.backoffMs = 0;
    this.ends = 0;
    this.nextAttemptAt = undefined;
    this.wakeAll();
  }

  stop(): void {
    this.stopped = true;
    this.wakeAll();
  }

  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
