import type { AppContext } from "../context.js";
import { HourlyWatch } from "./hourly-watch.js";
import { calendarCoverage } from "../domain/calendar-publish.js";

/**
 * Warns operators when the published working-day calendar lists public holidays less than
 * twelve months ahead (FRX-DL-004): a structured log line at start and every hour while it
 * does. The admin `health` operation and `frx-node calendar check` say the same.
 */
export class CalendarWatch extends HourlyWatch {
  constructor(private readonly ctx: AppContext) {
    super();
  }

  override check(): void {
    const c = calendarCoverage(this.ctx.config.calendar, this.ctx.clock.now());
    if (c.state === "short")
      this.ctx.logger.warn("calendar.coverage-short", {
        holidaysThrough: c.holidaysThrough ?? null,
        needed: c.needed,
        effect:
          "peers cannot tell working days beyond it (FRX-DL-004); add the holidays and set calendar.holidaysThrough",
      });
  }
}
