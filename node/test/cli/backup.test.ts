import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { BackupHeader } from "../../src/cli/backup-format.js";
import type { NodeKeys } from "../../src/config/keys.js";
import { cli, dumpStore, initNode, removeTempDirs, tempDir } from "./helpers.js";
import { populate } from "./populated.js";
import { FileKeySource } from "../../src/privacy/data-keys.js";
import { openFile } from "../../src/privacy/sealed-attachments.js";

afterEach(removeTempDirs);

async function header(file: string): Promise<BackupHeader> {
  return JSON.parse((await readFile(file, "utf8")).split("\n")[0]!) as BackupHeader;
}

describe("frx-node backup and restore", () => {
  it("round-trips every sublevel, the attachment bytes, config and keys", async () => {
    const dir = await initNode();
    const { sha256, bytes } = await populate(dir);
    const out = join(await tempDir(), "th.frxbak");
    const b = await cli("backup", "--dir", dir, "--out", out, "--include-keys");
    expect(b.code, b.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const h = await header(out);
    expect(h).toMatchObject({
      format: "frx-node-backup",
      version: 2,
      node: "TH",
      keysIncluded: true,
    });
    expect(h.counts.attachments).toBe(1);
    expect(h.counts.sublevels.messages).toBeGreaterThan(0);

    const target = join(await tempDir(), "restored");
    const r = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      target,
      "--from",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node keys:\s+from the backup/);
    expect(r.stdout.trimEnd().endsWith("\nok")).toBe(true);

    const before = await dumpStore(dir);
    expect(before.participants).toHaveLength(6);
    expect(before.audit!.length).toBeGreaterThan(6);
    expect(await dumpStore(target)).toEqual(before);
    // The file is restored as it was stored: sealed (FRX-DP-001), so not the uploaded bytes.
    // Buffer.equals: a deep toEqual walks 2 MB element by element.
    const restoredFile = await readFile(join(target, "attachments", sha256));
    expect(restoredFile.equals(await readFile(join(dir, "attachments", sha256)))).toBe(true);
    expect(restoredFile.includes(bytes.subarray(0, 64))).toBe(false);
    expect(
      openFile(
        await new FileKeySource(join(target, "data-keys.json")).load(),
        sha256,
        restoredFile,
      ).equals(bytes),
    ).toBe(true);
    expect(await readdir(join(target, "attachments"))).toEqual([sha256]);
    for (const file of ["config.json", "node-keys.json"])
      expect(await readFile(join(target, file), "utf8")).toBe(
        await readFile(join(dir, file), "utf8"),
      );
    expect((await stat(join(target, "node-keys.json"))).mode & 0o777).toBe(0o600);

    // The restored folder is a working node.
    const verify = await cli("audit", "verify", "--dir", target, "--json");
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: before.audit!.length });
    const list = await cli("agency", "list", "--dir", target);
    expect(list.stdout).toContain("TH:DSDW");
  });

  it("leaves the node's secret keys out unless asked, and restores them from --keys", async () => {
    const dir = await initNode();
    await populate(dir);
    const keys = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    const out = join(await tempDir(), "th.frxbak");
    const b = await cli("backup", "--dir", dir, "--out", out);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/node keys:\s+NOT included/);
    const text = await readFile(out, "utf8");
    expect(text).not.toContain(keys.signing.d);
    expect(text).not.toContain(keys.encryption.d);
    expect((await header(out)).keysIncluded).toBe(false);

    // Without the node's keys its seal cannot be checked against them (issue 18, finding 7).
    const bare = join(await tempDir(), "bare");
    const r = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      bare,
      "--from",
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("give --keys FILE");
    expect(await readdir(bare).catch(() => [])).toEqual([]);

    const withKeys = join(await tempDir(), "with-keys");
    const k = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      withKeys,
      "--from",
      out,
      "--keys",
      join(dir, "node-keys.json"),
    );
    expect(k.code, k.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(withKeys, "node-keys.json"), "utf8"))).toEqual(keys);
  });

  it("refuses another node's keys on restore", async () => {
    const dir = await initNode();
    const other = await initNode();
    const out = join(await tempDir(), "th.frxbak");
    expect((await cli("backup", "--dir", dir, "--out", out)).code).toBe(0);
    const target = join(await tempDir(), "t");
    const r = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      target,
      "--from",
      out,
      "--keys",
      join(other, "node-keys.json"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not the key of node TH");
    // The keys are checked before anything is written.
    expect(await readdir(target).catch(() => "absent")).toBe("absent");
  });

  it("restores only into a new or empty folder", async () => {
    const dir = await initNode();
    const out = join(await tempDir(), "th.frxbak");
    expect((await cli("backup", "--dir", dir, "--out", out)).code).toBe(0);
    const busy = await tempDir();
    await writeFile(join(busy, "keep.txt"), "mine");
    const r = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      busy,
      "--from",
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not empty");
    expect(await readdir(busy)).toEqual(["keep.txt"]);
    const empty = await tempDir();
    const keys = join(dir, "node-keys.json");
    expect(
      (
        await cli(
          "restore",
          "--data-keys",
          join(dir, "data-keys.json"),
          "--dir",
          empty,
          "--from",
          out,
          "--keys",
          keys,
        )
      ).code,
    ).toBe(0);
  });

  it("refuses a truncated backup and removes what it had restored", async () => {
    const dir = await initNode();
    await populate(dir);
    const out = join(await tempDir(), "th.frxbak");
    await cli("backup", "--dir", dir, "--out", out);
    const all = (await readFile(out, "utf8")).trimEnd().split("\n");
    const cut = join(await tempDir(), "cut.frxbak");
    await writeFile(cut, all.slice(0, 10).join("\n") + "\n");
    const target = join(await tempDir(), "t");
    const r = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      target,
      "--from",
      cut,
      "--keys",
      join(dir, "node-keys.json"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is truncated or altered");
    expect(await readdir(target)).toEqual([]);
  });

  it("refuses a file that is not a backup, and an existing --out", async () => {
    const dir = await initNode();
    const junk = join(await tempDir(), "junk.json");
    await writeFile(junk, '{"hello":"world"}\n');
    const r = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      join(await tempDir(), "t"),
      "--from",
      junk,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not an frx-node backup");
    const b = await cli("backup", "--dir", dir, "--out", junk);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("exists; refusing to overwrite it");
    expect(await readFile(junk, "utf8")).toBe('{"hello":"world"}\n');
  });
});
