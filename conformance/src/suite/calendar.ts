import { parseInstant, type Types } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";
import { moveOf, openReferral } from "./referrals.js";

const t = section("state-machines/calendar", "core");
const DAY = 86_400_000;
type Calendar = NonNullable<Types.NodeMetadata["calendar"]>;

function offsetMs(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset)!;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** The end (24:00 local) of the N-th working day after the local day of `start`, per FRX-DL-003. */
export function workingDaysEnd(start: number, days: number, c: Calendar): number {
  const off = offsetMs(c.utcOffset);
  let day = Math.floor((start + off) / DAY) * DAY;
  for (let counted = 0, scanned = 0; counted < days && scanned < 36_600; scanned++) {
    day += DAY;
    const d = new Date(day);
    if (!c.restDays.includes(d.getUTCDay()) && !c.holidays.includes(d.toISOString().slice(0, 10)))
      counted++;
  }
  return day + DAY - off;
}

function published(h: Harness): Calendar {
  const c = h.node.metadata.calendar;
  check(c, "the node's signed metadata publishes no calendar");
  return c;
}

export const calendarTests = [
  t("FRX-DL-004", (h) => {
    const c = published(h);
    const local = new Date(Date.now() + offsetMs(c.utcOffset));
    const needed = new Date(
      Date.UTC(local.getUTCFullYear() + 1, local.getUTCMonth(), local.getUTCDate()),
    )
      .toISOString()
      .slice(0, 10);
    check(
      c.holidaysThrough !== undefined && c.holidaysThrough >= needed,
      `the published holidays reach ${c.holidaysThrough ?? "no date"}; twelve months ahead is ${needed}`,
    );
    return Promise.resolve();
  }),

  t("FRX-DL-003", async (h) => {
    const c = published(h);
    // Routine: acknowledge within 1 working day, decide within 5 (the kit overrides neither).
    const r = await openReferral(h, "routine");
    const reply = await h.call("GET", `/v1/cases/${encodeURIComponent(r.caseId)}`, { as: "LI" });
    check(reply.status === 200, `GET /v1/cases/${r.caseId} answered ${reply.status}`);
    const deadlines =
      reply.json<{ deadlines?: Array<{ kind: string; dueAt: string }> }>().deadlines ?? [];
    const start = parseInstant(r.receivedAt);
    for (const [kind, days] of [
      ["acknowledge", 1],
      ["decide", 5],
    ] as const) {
      const d = deadlines.find((x) => x.kind === kind);
      check(d, `the case view shows no ${kind} deadline for a routine referral`);
      same(
        new Date(parseInstant(d.dueAt)).toISOString(),
        new Date(workingDaysEnd(start, days, c)).toISOString(),
        `the ${kind} deadline (${days} working days from ${r.receivedAt} on the published calendar)`,
      );
    }
    await h.submit(h.sign(moveOf(h, r, "referral-withdraw-ok", 2)));
  }),
];
