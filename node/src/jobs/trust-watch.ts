import type { AppContext } from "../context.js";
import { HourlyWatch } from "./hourly-watch.js";

/**
 * Warns operators well before the trust list expires (and once it has): a structured log
 * line at start and every hour while it is expiring or expired. /readyz says the same.
 */
export class TrustWatch extends HourlyWatch {
  constructor(private readonly ctx: AppContext) {
    super();
  }

  override check(): void {
    const s = this.ctx.trust.status(this.ctx.config.federation.warnBeforeExpiryMs);
    if (s.state === "expiring")
      this.ctx.logger.warn("trust.list-expiring", { version: s.version, expiresAt: s.expiresAt });
    if (s.state === "expired")
      this.ctx.logger.error("trust.list-expired", {
        version: s.version,
        expiresAt: s.expiresAt,
        effect: "federation refuses all transactions until a new version is applied",
      });
  }
}
