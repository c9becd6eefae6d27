import type { Duration } from "@frx/spec";
import type { CalendarConfig } from "../config/config.js";

const DAY = 86_400_000;
/** No calendar with at least one working day a week needs more than this many days for 10 years of working days. */
const MAX_SCAN_DAYS = 36_600;

/** The UTC offset `±HH:MM` in milliseconds. */
export function offsetMs(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59)
    throw new TypeError(`utcOffset must look like +07:00 (at most ±14:00), not ${offset}`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/**
 * Whether a local calendar date is a working day: `local` is the instant shifted by the
 * node's UTC offset, so its UTC fields are the local date.
 */
export function isWorkingDay(local: Date, calendar: CalendarConfig): boolean {
  if (calendar.weekend.includes(local.getUTCDay())) return false;
  return !calendar.holidays.includes(local.toISOString().slice(0, 10));
}

/**
 * When a deadline falls (FRX-DL-003): `hours` are elapsed time (an urgent case does not wait
 * for office hours); N `workingDays` end at 24:00 local time of the N-th working day after the
 * local day of `start`, skipping the calendar's weekly rest days and public holidays. The time
 * of day of the start does not matter: a referral stored on Friday at 08:00 or at 23:59, or on
 * Saturday, with one working day, is due at the end of Monday.
 *
 * @example dueAt(new Date("2026-03-06T08:00:00Z"), { workingDays: 1 }, bangkok) // 2026-03-09T17:00:00Z
 */
export function dueAt(start: Date, duration: Duration, calendar: CalendarConfig): Date {
  const days = duration.workingDays ?? 0;
  if (days === 0) return new Date(start.getTime() + (duration.hours ?? 0) * 3_600_000);
  const off = offsetMs(calendar.utcOffset);
  // Local midnight that begins the start day, as an instant shifted by the offset.
  let day = Math.floor((start.getTime() + off) / DAY) * DAY;
  let counted = 0;
  for (let scanned = 0; counted < days; scanned++) {
    if (scanned > MAX_SCAN_DAYS)
      throw new RangeError(`the calendar has no ${days} working days within ${MAX_SCAN_DAYS} days`);
    day += DAY;
    if (isWorkingDay(new Date(day), calendar)) counted++;
  }
  // 24:00 of the N-th working day is 00:00 of the next local day.
  return new Date(day + DAY - off);
}

/** The duration doubled: level 2 of an escalation (2N working days, or 2N hours). */
export function doubled(duration: Duration): Duration {
  return duration.workingDays
    ? { workingDays: duration.workingDays * 2 }
    : { hours: (duration.hours ?? 0) * 2 };
}
