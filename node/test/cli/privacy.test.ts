import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { cli, initNode, removeTempDirs, tempDir } from "./helpers.js";
import { populate } from "./populated.js";

afterEach(removeTempDirs);

const PERSON = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";

describe("frx-node retention, hold, erase and subject-access on a stopped node", () => {
  it("creates the data key with init, with mode 0600, named in config.json", async () => {
    const dir = await initNode();
    expect((await stat(join(dir, "data-keys.json"))).mode & 0o777).toBe(0o600);
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as {
      dataKeyFile: string;
    };
    expect(config.dataKeyFile).toBe("data-keys.json");
  });

  it("reports with --dry-run, holds a case, exports and erases one person", async () => {
    const dir = await initNode();
    await populate(dir);
    const dry = await cli("retention", "run", "--dir", dir, "--dry-run", "--json");
    expect(dry.code, dry.stderr).toBe(0);
    // The referral is still open: nothing is due, whatever the date.
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, due: [], held: [] });

    const caseId = fixture("referral.create").case!;
    const hold = await cli("hold", "place", "--dir", dir, "--case", caseId, "--reason", "trial");
    expect(hold.code, hold.stderr).toBe(0);
    expect((await cli("hold", "list", "--dir", dir)).stdout).toContain(`case ${caseId}`);
    const refused = await cli("erase", "--dir", dir, "--person", PERSON, "--reason", "asked");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("dp.legal-hold");

    const out = join(await tempDir(), "sar");
    const sar = await cli("subject-access", "--dir", dir, "--person", PERSON, "--out", out);
    expect(sar.code, sar.stderr).toBe(0);
    const doc = JSON.parse(await readFile(`${out}.json`, "utf8")) as { messages: unknown[] };
    expect(doc.messages).toHaveLength(1);
    expect(await readFile(`${out}.html`, "utf8")).toContain("Khamla Vongsaly");
    expect((await stat(`${out}.json`)).mode & 0o777).toBe(0o600);

    const holdId = /legal hold (\S+)/.exec(hold.stdout)![1]!;
    expect(
      (await cli("hold", "release", "--dir", dir, "--case", caseId, "--hold", holdId)).code,
    ).toBe(0);
    const erased = await cli(
      "erase",
      "--dir",
      dir,
      "--person",
      PERSON,
      "--reason",
      "asked",
      "--json",
    );
    expect(erased.code, erased.stderr).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ messages: [fixture("referral.create").id] });
    const verify = await cli("audit", "verify", "--dir", dir, "--json");
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });
});
