import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agencyKey, cli, initNode, removeTempDirs, tempDir } from "./helpers.js";

afterEach(removeTempDirs);

async function inputFile(value: unknown): Promise<string> {
  const file = join(await tempDir(), "input.json");
  await writeFile(file, JSON.stringify(value));
  return file;
}

describe("frx-node admin call", () => {
  it("runs an admin operation with the JSON input in FILE and prints its answer as JSON", async () => {
    const dir = await initNode();
    const { publicJwk } = await agencyKey();
    const registration = {
      id: "TH:DOE",
      name: "Labour inspectorate",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      powers: ["administrative_fine"],
      publicJwk,
      sanctionRegimes: [{ kind: "ADMIN_FINE", legalReference: "Labour Protection Act s. 144" }],
    };
    const added = await cli(
      "admin",
      "call",
      "--dir",
      dir,
      "--operation",
      "agency.add",
      "--in",
      await inputFile(registration),
    );
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      id: "TH:DOE",
      sanctionRegimes: registration.sanctionRegimes,
      keys: [{ kid: publicJwk.kid, status: "current" }],
    });
    const listed = await cli("admin", "call", "--dir", dir, "--operation", "agency.list");
    expect(JSON.parse(listed.stdout).map((a: { id: string }) => a.id)).toEqual(["TH:DOE"]);
  });

  it("prints a refusal with its code (exit 1), and an unknown operation is a usage error (exit 2)", async () => {
    const dir = await initNode();
    const change = await inputFile({ id: "TH:DOE", powers: [] });
    const refused = await cli(
      "admin",
      "call",
      "--dir",
      dir,
      "--operation",
      "agency.update",
      "--in",
      change,
    );
    expect([refused.code, refused.stderr]).toEqual([
      1,
      expect.stringContaining("(request.not-found)"),
    ]);
    const unknown = await cli("admin", "call", "--dir", dir, "--operation", "agency.remove");
    expect(unknown.code).toBe(2);
    const notObject = await cli(
      "admin",
      "call",
      "--dir",
      dir,
      "--operation",
      "agency.list",
      "--in",
      await inputFile([1]),
    );
    expect([notObject.code, notObject.stderr]).toEqual([
      1,
      expect.stringContaining("does not hold a JSON object"),
    ]);
  });
});
