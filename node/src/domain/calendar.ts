import type { Duration } from "@frx/spec";
import type { CalendarConfig } from "../config/config.js";

const DAY = 86_400_000;

function offsetMs(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new TypeError(`utcOffset must look like +07:00, not ${offset}`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** Whether a local calendar date (the node's time zone) is a working day. */
export function isWorkingDay(local: Date, calendar: CalendarConfig): boolean {
  if (calendar.weekend.includes(local.getUTCDay())) return false;
  return !calendar.holidays.includes(local.toISOString().slice(0, 10));
}

/**
 * When a deadline falls: `hours` are wall-clock hours (an urgent case does not wait for
 * office hours); `workingDays` count working days on the node's calendar, and the deadline
 * falls at the same local time on the Nth working day after `start` (or at the end of
 * working hours when `start` was outside them).
 *
 * @example dueAt(new Date("2026-03-06T10:00:00Z"), { workingDays: 1 }, calendar) // Monday 2026-03-09
 */
export function dueAt(start: Date, duration: Duration, calendar: CalendarConfig): Date {
  const t = start.getTime() + (duration.hours ?? 0) * 3_600_000;
  const days = duration.workingDays ?? 0;
  if (days === 0) return new Date(t);
  const off = offsetMs(calendar.utcOffset);
  let local = new Date(t + off);
  const [open, close] = calendar.workingHours;
  const hour = local.getUTCHours();
  if (hour < open || hour >= close || !isWorkingDay(local, calendar)) {
    // Outside office hours: count from the close of business of the day the clock next opens.
    if (hour >= close) local = new Date(local.getTime() + DAY);
    local = new Date(
      Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), close),
    );
    while (!isWorkingDay(local, calendar)) local = new Date(local.getTime() + DAY);
    if (days === 1) return new Date(local.getTime() - off);
    return addWorkingDays(local, days - 1, calendar, off);
  }
  return addWorkingDays(local, days, calendar, off);
}

function addWorkingDays(local: Date, days: number, calendar: CalendarConfig, off: number): Date {
  let counted = 0;
  let cursor = local;
  while (counted < days) {
    cursor = new Date(cursor.getTime() + DAY);
    if (isWorkingDay(cursor, calendar)) counted++;
  }
  return new Date(cursor.getTime() - off);
}
