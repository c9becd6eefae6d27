import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addDoe, cli, initNode, listJson, removeTempDirs, tempDir } from "./helpers.js";

afterEach(removeTempDirs);

const MANDATE = {
  sanctionRegimes: [
    {
      kind: "ADMIN_FINE",
      legalReference: "Labour Protection Act B.E. 2541, s. 144",
      maxPenalty: { amount: "200000", currency: "THB" },
    },
  ],
  procedures: {
    channels: [{ kind: "frx" }, { kind: "telephone", address: "1546" }],
    languages: ["tha", "eng"],
    responseTimes: [{ type: "referral.create", workingDays: 1 }],
  },
};

async function mandateFile(content: unknown): Promise<string> {
  const file = join(await tempDir(), "mandate.json");
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe("frx-node agency add|update --mandate (FRX-FED-085, FRX-FED-086)", () => {
  it("registers an agency's sanction regimes and procedures, and replaces them on update", async () => {
    const dir = await initNode();
    const added = await addDoe(
      dir,
      "--powers",
      "workplace_inspection,administrative_fine",
      "--mandate",
      await mandateFile(MANDATE),
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await listJson(dir))[0]).toMatchObject(MANDATE);

    const update = await cli(
      "agency",
      "update",
      "--dir",
      dir,
      "--id",
      "TH:DOE",
      "--mandate",
      await mandateFile({ procedures: { languages: ["tha"] } }),
    );
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toContain("sanction regimes: ADMIN_FINE");
    const [doe] = await listJson(dir);
    expect(doe).toMatchObject({
      sanctionRegimes: MANDATE.sanctionRegimes,
      procedures: { languages: ["tha"] },
    });
  });

  it("refuses a regime the powers do not allow, and a mandate file with other members", async () => {
    const dir = await initNode();
    const refused = await addDoe(dir, "--mandate", await mandateFile(MANDATE));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("request.malformed");
    expect(refused.stderr).toContain("administrative_fine");
    expect(await listJson(dir)).toEqual([]);
    const other = await addDoe(
      dir,
      "--mandate",
      await mandateFile({ ...MANDATE, powers: ["arrest"] }),
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("sanctionRegimes and procedures only");
    const nothing = await cli("agency", "update", "--dir", dir, "--id", "TH:DOE");
    expect(nothing.code).toBe(2);
  });
});
