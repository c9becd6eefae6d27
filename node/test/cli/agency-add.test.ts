import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  addDoe,
  agencyKey,
  auditLength,
  cli,
  initNode,
  listJson,
  removeTempDirs,
  tempDir,
} from "./helpers.js";

afterEach(removeTempDirs);

describe("frx-node agency add and list", () => {
  it("adds an agency with its key, powers and accepted types, and lists it", async () => {
    const dir = await initNode();
    const { file, publicJwk } = await agencyKey();
    const r = await cli(
      "agency",
      "add",
      "--dir",
      dir,
      "--id",
      "TH:DOE",
      "--name",
      "Labour Protection",
      "--roles",
      "labour_inspectorate",
      "--org-type",
      "LabourInspectorate",
      "--key",
      file,
      "--powers",
      "workplace_inspection,wage_recovery_order",
      "--accepts",
      "referral.create,case.notify",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`registered TH:DOE`);
    expect(r.stdout).toContain(publicJwk.kid);
    const [doe] = await listJson(dir);
    expect(doe).toMatchObject({
      id: "TH:DOE",
      status: "active",
      roles: ["labour_inspectorate"],
      powers: ["workplace_inspection", "wage_recovery_order"],
      acceptedTypes: ["referral.create", "case.notify"],
      immigrationFunctions: false,
      coordinator: false,
    });
    expect(doe!.keys.map((k) => k.kid)).toEqual([publicJwk.kid]);
    const table = await cli("agency", "list", "--dir", dir);
    expect(table.stdout.split("\n")[1]).toMatch(
      /^TH:DOE\s+active\s+labour_inspectorate\s+LabourInspectorate/,
    );
    // init's operator entry, then the registration.
    expect(await auditLength(dir)).toBe(2);
  });

  it("sets the coordinator and immigration-function flags only when asked", async () => {
    const dir = await initNode();
    const { file } = await agencyKey();
    const r = await cli(
      "agency",
      "add",
      "--dir",
      dir,
      "--id",
      "TH:IMB",
      "--name",
      "Police (immigration)",
      "--roles",
      "anti_trafficking_police,national_coordinator",
      "--org-type",
      "LawEnforcement",
      "--key",
      file,
      "--coordinator",
      "--immigration-functions",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("person-level data will never be sent to TH:IMB");
    expect((await listJson(dir))[0]).toMatchObject({
      coordinator: true,
      immigrationFunctions: true,
    });
  });

  it("says so when no agency is registered", async () => {
    const r = await cli("agency", "list", "--dir", await initNode());
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining("no agencies registered") });
  });

  it.each([
    ["another node's prefix", ["--id", "LA:DOE"], "is named TH:CODE, not LA:DOE"],
    ["the node's own id", ["--id", "TH:NODE"], "reserved for the node itself"],
  ])("refuses %s (exit 1) and registers nothing", async (_what, change, message) => {
    const r = await addWith(change);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(await listJson(r.dir)).toEqual([]);
  });

  it.each([
    ["a malformed id", ["--id", "DOE"], "--id must be CC:CODE"],
    ["an unknown role", ["--roles", "inspector"], "inspector is not"],
    ["an unknown org type", ["--org-type", "Ministry"], "Ministry is not"],
    ["an unknown power", ["--powers", "arrest,teleport"], "teleport is not"],
    ["an unknown message type", ["--accepts", "referral.shout"], "referral.shout is not"],
  ])(
    "refuses %s as bad usage (exit 2, with the usage) and registers nothing",
    async (_what, change, message) => {
      const r = await addWith(change);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain("Usage: frx-node agency add");
      expect(await listJson(r.dir)).toEqual([]);
    },
  );

  async function addWith(change: string[]) {
    const dir = await initNode();
    const { file } = await agencyKey();
    const flags: Record<string, string> = {
      "--id": "TH:DOE",
      "--name": "Labour",
      "--roles": "labour_inspectorate",
      "--org-type": "LabourInspectorate",
      "--key": file,
    };
    flags[change[0]!] = change[1]!;
    const r = await cli("agency", "add", "--dir", dir, ...Object.entries(flags).flat());
    return { ...r, dir };
  }

  it("refuses a duplicate id", async () => {
    const dir = await initNode();
    expect((await addDoe(dir)).code).toBe(0);
    const r = await addDoe(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("TH:DOE is already registered");
    expect(await listJson(dir)).toHaveLength(1);
  });

  it("needs --key (usage error) and refuses a private, foreign or unreadable key file", async () => {
    const dir = await initNode();
    const base = [
      "agency",
      "add",
      "--dir",
      dir,
      "--id",
      "TH:DOE",
      "--name",
      "L",
      "--roles",
      "labour_inspectorate",
      "--org-type",
      "LabourInspectorate",
    ];
    const missing = await cli(...base);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--key is required");

    const { privateJwk, publicJwk } = await agencyKey();
    const folder = await tempDir();
    const cases: Array<[string, unknown, string]> = [
      ["private.json", privateJwk, "holds a private key"],
      ["p256.json", { kty: "EC", crv: "P-256", x: "a", y: "b" }, "is not an Ed25519 public JWK"],
      [
        "wrong-kid.json",
        { ...publicJwk, kid: "not-the-thumbprint" },
        "is not the key's thumbprint",
      ],
    ];
    for (const [name, content, message] of cases) {
      await writeFile(join(folder, name), JSON.stringify(content));
      const r = await cli(...base, "--key", join(folder, name));
      expect(r.code, name).toBe(1);
      expect(r.stderr).toContain(message);
    }
    const absent = await cli(...base, "--key", join(folder, "absent.json"));
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain("cannot read a JWK");
    expect(await listJson(dir)).toEqual([]);
  });
});
