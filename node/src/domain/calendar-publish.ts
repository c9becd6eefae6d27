import type { Types } from "@frx/spec";
import type { CalendarConfig } from "../config/config.js";
import { offsetMs } from "./calendar.js";

/** The calendar as the node's signed metadata publishes it (FRX-DL-004). */
export function publishedCalendar(c: CalendarConfig): NonNullable<Types.NodeMetadata["calendar"]> {
  return {
    utcOffset: c.utcOffset,
    restDays: [...new Set(c.weekend)].sort((a, b) => a - b),
    holidays: [...new Set(c.holidays)].sort(),
    ...(c.holidaysThrough ? { holidaysThrough: c.holidaysThrough } : {}),
  };
}

export interface CalendarCoverage {
  /** `ok` when the holidays are listed at least twelve months ahead, `short` otherwise. */
  state: "ok" | "short";
  holidaysThrough?: string;
  /** The local date the list must reach today: the same date next year. */
  needed: string;
}

/**
 * Whether the published holidays reach twelve months ahead of today, in the node's local time
 * (FRX-DL-004); a list without `holidaysThrough` reaches nowhere.
 *
 * @example calendarCoverage({ ...calendar, holidaysThrough: "2027-12-31" }, new Date("2026-03-02T00:00:00Z")).state // "ok"
 */
export function calendarCoverage(c: CalendarConfig, now: Date): CalendarCoverage {
  const local = new Date(now.getTime() + offsetMs(c.utcOffset));
  const needed = new Date(
    Date.UTC(local.getUTCFullYear() + 1, local.getUTCMonth(), local.getUTCDate()),
  )
    .toISOString()
    .slice(0, 10);
  const ok = c.holidaysThrough !== undefined && c.holidaysThrough >= needed;
  return {
    state: ok ? "ok" : "short",
    ...(c.holidaysThrough ? { holidaysThrough: c.holidaysThrough } : {}),
    needed,
  };
}
