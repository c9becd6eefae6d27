import { readFile, stat, writeFile } from "node:fs/promises";
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

describe("frx-node agency disable, enable, rotate-key and keygen", () => {
  it("disables and re-enables an agency, each once in the audit log", async () => {
    const dir = await initNode();
    await addDoe(dir);
    const off = await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    expect(off.code, off.stderr).toBe(0);
    expect((await listJson(dir))[0]!.status).toBe("disabled");
    const again = await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    expect(again).toMatchObject({ code: 0, stdout: "TH:DOE is already disabled\n" });
    // init's operator entry, then one for the change.
    expect(await auditLength(dir)).toBe(3);
    const on = await cli("agency", "enable", "--dir", dir, "--id", "TH:DOE");
    expect(on.code, on.stderr).toBe(0);
    expect((await listJson(dir))[0]!.status).toBe("active");
    expect(await auditLength(dir)).toBe(4);
  });

  it("refuses to disable or rotate an unknown agency", async () => {
    const dir = await initNode();
    const { file } = await agencyKey();
    for (const argv of [
      ["agency", "disable", "--dir", dir, "--id", "TH:NOPE"],
      ["agency", "rotate-key", "--dir", dir, "--id", "TH:NOPE", "--key", file],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("TH:NOPE is not registered");
    }
  });

  it("rotates a key: the new one is current, the old one retired, the same one refused", async () => {
    const dir = await initNode();
    await addDoe(dir);
    const oldKid = (await listJson(dir))[0]!.keys[0]!.kid;
    const next = await agencyKey();
    const r = await cli("agency", "rotate-key", "--dir", dir, "--id", "TH:DOE", "--key", next.file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`TH:DOE now signs with ${next.publicJwk.kid}`);
    expect(r.stdout).toContain(`retired ${oldKid}`);
    const keys = (await listJson(dir))[0]!.keys;
    expect(keys.map((k) => [k.kid, Boolean(k.retiredAt)])).toEqual([
      [oldKid, true],
      [next.publicJwk.kid, false],
    ]);
    const same = await cli(
      "agency",
      "rotate-key",
      "--dir",
      dir,
      "--id",
      "TH:DOE",
      "--key",
      next.file,
    );
    expect(same.code).toBe(1);
    expect(same.stderr).toContain("already registered");
  });

  it("keygen writes a 0600 private JWK, prints its public half, and never overwrites", async () => {
    const out = join(await tempDir(), "doe.jwk");
    const r = await cli("agency", "keygen", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const priv = JSON.parse(await readFile(out, "utf8")) as Record<string, string>;
    const pub = JSON.parse(r.stdout) as Record<string, string>;
    expect(priv.d).toEqual(expect.any(String));
    expect(pub).toEqual({ kty: "OKP", crv: "Ed25519", x: priv.x, kid: priv.kid });
    const again = await cli("agency", "keygen", "--out", out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("refusing to overwrite");
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(priv);

    // The printed public JWK is what agency add takes.
    const dir = await initNode();
    const pubFile = join(await tempDir(), "doe.pub.json");
    await writeFile(pubFile, r.stdout);
    const add = await cli(
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
      "--key",
      pubFile,
    );
    expect(add.code, add.stderr).toBe(0);
    expect((await listJson(dir))[0]!.keys[0]!.kid).toBe(pub.kid);
  });
});
