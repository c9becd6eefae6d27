import { describe, expect, it } from "vitest";
import type { CalendarConfig } from "../src/config/config.js";
import { doubled, dueAt, isWorkingDay } from "../src/domain/calendar.js";
import { calendarCoverage, publishedCalendar } from "../src/domain/calendar-publish.js";
import { checkCalendar, checkSlaOverrides } from "../src/config/calendar-check.js";

const bangkok: CalendarConfig = {
  utcOffset: "+07:00",
  weekend: [0, 6],
  holidays: ["2026-04-13", "2026-04-14", "2026-04-15"],
};
const bogota: CalendarConfig = { utcOffset: "-05:00", weekend: [0, 6], holidays: [] };
const due = (start: string, duration: { workingDays?: number; hours?: number }, c = bangkok) =>
  dueAt(new Date(start), duration, c).toISOString();

// FRX-DL-003: N working days end at 24:00 local time of the N-th working day after the start day.
describe("working days end at 24:00 local time of the N-th working day", () => {
  it("skips the weekend: Friday + 1 working day is the end of Monday, whatever the hour", () => {
    // Friday 6 March 10:00 and 23:30 Bangkok: due Monday 9 March 24:00 Bangkok = 17:00Z.
    expect(due("2026-03-06T03:00:00Z", { workingDays: 1 })).toBe("2026-03-09T17:00:00.000Z");
    expect(due("2026-03-06T16:30:00Z", { workingDays: 1 })).toBe("2026-03-09T17:00:00.000Z");
    // Monday + 5 working days: the end of the next Monday.
    expect(due("2026-03-02T03:00:00Z", { workingDays: 5 })).toBe("2026-03-09T17:00:00.000Z");
  });

  it("skips public holidays (Songkran, 13–15 April)", () => {
    // Friday 10 April + 1 working day: Monday to Wednesday are holidays, so the end of Thursday.
    expect(due("2026-04-10T03:00:00Z", { workingDays: 1 })).toBe("2026-04-16T17:00:00.000Z");
    expect(isWorkingDay(new Date("2026-04-14T05:00:00Z"), bangkok)).toBe(false);
  });

  it("counts from the start day when the start is outside working hours or on a rest day", () => {
    // Saturday 10:00 Bangkok: the first working day after it is Monday.
    expect(due("2026-03-07T03:00:00Z", { workingDays: 1 })).toBe("2026-03-09T17:00:00.000Z");
    // Tuesday 20:00 Bangkok: the end of Wednesday.
    expect(due("2026-03-03T13:00:00Z", { workingDays: 1 })).toBe("2026-03-04T17:00:00.000Z");
    // Tuesday 06:30 Bangkok (before any office opens) is still Tuesday: the end of Wednesday.
    expect(due("2026-03-02T23:30:00Z", { workingDays: 1 })).toBe("2026-03-04T17:00:00.000Z");
  });

  it("takes the local date on each side of the date line (+07:00 and −05:00)", () => {
    // 20:00Z on Friday 6 March is Saturday 03:00 in Bangkok, Friday 15:00 in Bogotá.
    expect(due("2026-03-06T20:00:00Z", { workingDays: 1 })).toBe("2026-03-09T17:00:00.000Z");
    expect(due("2026-03-06T20:00:00Z", { workingDays: 1 }, bogota)).toBe(
      "2026-03-10T05:00:00.000Z",
    );
    // 03:00Z on Monday 9 March is Monday 10:00 in Bangkok but Sunday 22:00 in Bogotá.
    expect(due("2026-03-09T03:00:00Z", { workingDays: 1 })).toBe("2026-03-10T17:00:00.000Z");
    expect(due("2026-03-09T03:00:00Z", { workingDays: 1 }, bogota)).toBe(
      "2026-03-10T05:00:00.000Z",
    );
  });

  it("doubles working days, not the elapsed span, for level 2", () => {
    // Friday 15:00 + 1 working day = end of Monday; doubled = end of Tuesday (the spec's example).
    expect(due("2026-03-06T08:00:00Z", doubled({ workingDays: 1 }))).toBe(
      "2026-03-10T17:00:00.000Z",
    );
    expect(doubled({ hours: 4 })).toEqual({ hours: 8 });
  });

  it("counts hours on the wall clock, whatever the day", () => {
    expect(due("2026-03-07T03:00:00Z", { hours: 4 })).toBe("2026-03-07T07:00:00.000Z");
    expect(due("2026-03-07T03:00:00Z", { hours: 0.001 })).toBe("2026-03-07T03:00:03.600Z");
  });
});

describe("the published calendar (FRX-DL-004)", () => {
  it("publishes offset, rest days and holidays, and judges their reach twelve months ahead", () => {
    const c = { ...bangkok, weekend: [6, 0], holidaysThrough: "2027-03-01" };
    expect(publishedCalendar(c)).toEqual({
      utcOffset: "+07:00",
      restDays: [0, 6],
      holidays: ["2026-04-13", "2026-04-14", "2026-04-15"],
      holidaysThrough: "2027-03-01",
    });
    // 1 March 20:00Z is already 2 March in Bangkok: the list must reach 2 March 2027.
    const now = new Date("2026-03-01T20:00:00Z");
    expect(calendarCoverage(c, now)).toEqual({
      state: "short",
      holidaysThrough: "2027-03-01",
      needed: "2027-03-02",
    });
    expect(calendarCoverage({ ...c, holidaysThrough: "2027-03-02" }, now).state).toBe("ok");
    expect(calendarCoverage(bangkok, now).state).toBe("short");
  });

  it("refuses a calendar or SLA override that would be misread", () => {
    expect(() => checkCalendar({ ...bangkok, weekend: [0, 1, 2, 3, 4, 5, 6] })).toThrow(
      /at least one working day/,
    );
    expect(() => checkCalendar({ ...bangkok, holidays: ["2026-02-30"] })).toThrow(/holidays/);
    expect(() => checkCalendar({ ...bangkok, holidaysThrough: "next year" })).toThrow(
      /holidaysThrough/,
    );
    expect(() =>
      checkSlaOverrides({ referral: { acknowlege: { routine: { hours: 1 } } } }),
    ).toThrow(/not a referral deadline/);
    expect(() =>
      checkSlaOverrides({ referral: { acknowledge: { routine: { workingDays: 0.5 } } } }),
    ).toThrow(/workingDays/);
    expect(() =>
      checkSlaOverrides({ referral: { acknowledge: { routine: { hours: 0.001 } } } }),
    ).not.toThrow();
  });
});
