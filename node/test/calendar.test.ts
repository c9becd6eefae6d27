import { describe, expect, it } from "vitest";
import type { CalendarConfig } from "../src/config/config.js";
import { dueAt, isWorkingDay } from "../src/domain/calendar.js";

const bangkok: CalendarConfig = {
  utcOffset: "+07:00",
  weekend: [0, 6],
  holidays: ["2026-04-13", "2026-04-14", "2026-04-15"],
  workingHours: [8, 17],
};
const at = (iso: string) => new Date(iso);

describe("working-day calendar", () => {
  it("counts working days at the same local time, skipping the weekend", () => {
    // Friday 10:00 Bangkok + 1 working day = Monday 10:00 Bangkok.
    expect(dueAt(at("2026-03-06T03:00:00Z"), { workingDays: 1 }, bangkok).toISOString()).toBe(
      "2026-03-09T03:00:00.000Z",
    );
    expect(dueAt(at("2026-03-02T03:00:00Z"), { workingDays: 5 }, bangkok).toISOString()).toBe(
      "2026-03-09T03:00:00.000Z",
    );
  });

  it("skips public holidays (Songkran)", () => {
    // Friday 10 April + 1 working day: Mon 13–Wed 15 are holidays, so Thursday 16 April.
    expect(dueAt(at("2026-04-10T03:00:00Z"), { workingDays: 1 }, bangkok).toISOString()).toBe(
      "2026-04-16T03:00:00.000Z",
    );
    expect(isWorkingDay(at("2026-04-14T05:00:00Z"), bangkok)).toBe(false);
  });

  it("starts the count at close of business when a referral arrives out of hours", () => {
    // Saturday: the first working day is Monday; one working day ends at Monday's close.
    expect(dueAt(at("2026-03-07T03:00:00Z"), { workingDays: 1 }, bangkok).toISOString()).toBe(
      "2026-03-09T10:00:00.000Z",
    );
    // Tuesday 20:00 local: counts from Wednesday's close; one working day → Wednesday 17:00 local.
    expect(dueAt(at("2026-03-03T13:00:00Z"), { workingDays: 1 }, bangkok).toISOString()).toBe(
      "2026-03-04T10:00:00.000Z",
    );
  });

  it("counts hours on the wall clock, whatever the day", () => {
    expect(dueAt(at("2026-03-07T03:00:00Z"), { hours: 4 }, bangkok).toISOString()).toBe(
      "2026-03-07T07:00:00.000Z",
    );
  });
});
