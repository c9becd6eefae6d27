import { resolve } from "node:path";
import { calendarCoverage, publishedCalendar } from "../../domain/calendar-publish.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, lines } from "../io.js";
import { readNodeConfig } from "../node-dir.js";

export const calendarCheckCommand: Command = {
  path: ["calendar", "check"],
  summary: "show the working-day calendar the node publishes and how far ahead it reaches",
  usage: `Usage: frx-node calendar check --dir DIR [--json]

Prints the working-day calendar from DIR/config.json as the node publishes it in its signed
metadata (UTC offset, weekly rest days, public holidays; FRX-DL-004) and whether its holidays
reach twelve months ahead (calendar.holidaysThrough). Exits 1, with a warning, when they do
not: add the coming holidays and move holidaysThrough on, then restart the node.

  --dir DIR   the node's data folder
  --json      print the calendar and its coverage as JSON
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" } },
  async run(flags, io) {
    const config = await readNodeConfig(resolve(flags.string("dir")));
    const calendar = publishedCalendar(config.calendar);
    const coverage = calendarCoverage(config.calendar, new Date());
    if (flags.bool("json")) io.stdout(lines(JSON.stringify({ calendar, coverage }, null, 2)));
    else
      io.stdout(
        lines(
          `UTC offset        ${calendar.utcOffset}`,
          `rest days         ${calendar.restDays.join(", ")} (0 = Sunday)`,
          `public holidays   ${calendar.holidays.length}, listed through ${coverage.holidaysThrough ?? "(not set)"}`,
          `needed through    ${coverage.needed}`,
        ),
      );
    if (coverage.state === "short")
      throw new CliError(
        `warning: the published holidays reach ${coverage.holidaysThrough ?? "no date"}, less than twelve months ahead (needed through ${coverage.needed}; FRX-DL-004)`,
      );
    return 0;
  },
};
