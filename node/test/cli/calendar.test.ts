import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli, removeTempDirs, tempDir } from "./helpers.js";

afterEach(removeTempDirs);

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe("frx-node calendar check (FRX-DL-004)", () => {
  it("warns, exit 1, while the public holidays reach less than twelve months ahead, and passes once they do", async () => {
    const dir = join(await tempDir(), "th");
    expect((await cli("init", "--dir", dir, "--node", "TH")).code).toBe(0);
    const unset = await cli("calendar", "check", "--dir", dir);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/less than twelve months ahead/);
    expect(unset.stdout).toContain("UTC offset        +07:00");

    const file = join(dir, "config.json");
    const config = JSON.parse(await readFile(file, "utf8")) as {
      calendar: Record<string, unknown>;
    };
    config.calendar.holidaysThrough = inDays(300);
    await writeFile(file, JSON.stringify(config));
    expect((await cli("calendar", "check", "--dir", dir)).code).toBe(1);

    config.calendar.holidaysThrough = inDays(400);
    config.calendar.holidays = [inDays(30)];
    await writeFile(file, JSON.stringify(config));
    const ok = await cli("calendar", "check", "--dir", dir, "--json");
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      calendar: { utcOffset: "+07:00", restDays: [0, 6], holidays: [inDays(30)] },
      coverage: { state: "ok", holidaysThrough: inDays(400) },
    });
  });
});
