import type { AppContext } from "../context.js";
import { runRetention } from "../privacy/retention.js";

/**
 * The retention job in the node (FRX-DP-004): runs `retention run` every
 * `retentionIntervalMs` (daily by default), one run at a time, logging what it erased and
 * what a legal hold kept. 0 leaves it to the operator's `frx-node retention run`.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly ctx: AppContext) {}

  start(): void {
    const every = this.ctx.config.retentionIntervalMs ?? 86_400_000;
    if (every <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        const report = await runRetention(this.ctx, { dryRun: false, actor: "retention" });
        if (report.due.length > 0 || report.held.length > 0)
          this.ctx.logger.info("retention.run", {
            erased: report.due.length,
            held: report.held.length,
            ...(report.erasure ? { erasure: report.erasure.id } : {}),
          });
      } catch (error) {
        this.ctx.logger.error("retention.failed", { error: String(error) });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
