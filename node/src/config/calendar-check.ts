import { machine, type MachineName } from "@frx/spec";
import type { CalendarConfig, NodeConfig } from "./config.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const URGENCIES = ["routine", "urgent", "risk_to_life"];
/** The machines whose deadlines a node runs (FRX-DL-001). */
const DEADLINE_MACHINES: MachineName[] = ["referral", "investigation"];

/** A real calendar date written YYYY-MM-DD (not 2026-02-30). */
export function isDate(value: unknown): value is string {
  if (typeof value !== "string" || !DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The working-day calendar as the node publishes it (FRX-DL-003, FRX-DL-004): checked at load. */
export function checkCalendar(c: CalendarConfig): void {
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(String(c.utcOffset));
  if (!offset || Number(offset[2]) > 14 || Number(offset[3]) > 59)
    throw new TypeError(`config calendar.utcOffset must look like +07:00, is ${c.utcOffset}`);
  if (
    !Array.isArray(c.weekend) ||
    !c.weekend.every((d) => Number.isInteger(d) && d >= 0 && d <= 6) ||
    new Set(c.weekend).size !== c.weekend.length ||
    c.weekend.length > 6
  )
    throw new TypeError(
      "config calendar.weekend must list distinct days 0 (Sunday) to 6, leaving at least one working day",
    );
  if (!Array.isArray(c.holidays) || !c.holidays.every(isDate) || c.holidays.length > 1000)
    throw new TypeError("config calendar.holidays must be at most 1,000 dates YYYY-MM-DD");
  if (c.holidaysThrough !== undefined && !isDate(c.holidaysThrough))
    throw new TypeError(
      `config calendar.holidaysThrough must be a date YYYY-MM-DD, is ${String(c.holidaysThrough)}`,
    );
}

/**
 * `slaOverrides`: by machine, deadline kind and urgency, exactly one of a whole number of
 * working days or a positive number of hours (a fraction allowed, so a demo or a
 * certification run can make a deadline pass in seconds). A misspelt key would otherwise be
 * ignored in silence and the spec's duration apply.
 */
export function checkSlaOverrides(o: NodeConfig["slaOverrides"]): void {
  if (typeof o !== "object" || o === null)
    throw new TypeError("config slaOverrides must be an object");
  for (const [name, kinds] of Object.entries(o)) {
    if (!DEADLINE_MACHINES.includes(name as MachineName))
      throw new TypeError(`config slaOverrides.${name}: no deadlines run for that machine`);
    const known = machine(name as MachineName).deadlines.map((r) => r.kind);
    for (const [kind, urgencies] of Object.entries(kinds ?? {})) {
      if (!known.includes(kind))
        throw new TypeError(`config slaOverrides.${name}.${kind}: not a ${name} deadline`);
      for (const [urgency, d] of Object.entries(urgencies ?? {})) {
        const at = `config slaOverrides.${name}.${kind}.${urgency}`;
        if (!URGENCIES.includes(urgency)) throw new TypeError(`${at}: not an urgency`);
        const keys = Object.keys(d ?? {});
        const days = d?.workingDays;
        const hours = d?.hours;
        const ok =
          keys.length === 1 &&
          ((days !== undefined && Number.isInteger(days) && days >= 1 && days <= 366) ||
            (hours !== undefined && Number.isFinite(hours) && hours > 0 && hours <= 8784));
        if (!ok)
          throw new TypeError(
            `${at} must be {"workingDays": 1 to 366} or {"hours": more than 0, at most 8784}`,
          );
      }
    }
  }
}
