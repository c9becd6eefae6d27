import { readdir, readFile, writeFile } from "node:fs/promises";
import { FileKeySource } from "../../src/privacy/data-keys.js";
import { join } from "node:path";
import { generateSigningKey, publicJwkOf } from "@frx/spec";
import { LineDigest } from "../../src/cli/backup-seal.js";
import { nodePublicKeys, nodeSigner, readNodeKeys } from "../../src/config/keys.js";
import { federation } from "./trust-steps.js";
import { afterEach, describe, expect, it } from "vitest";
import type { BackupHeader } from "../../src/cli/backup-format.js";
import { cli, initNode, removeTempDirs, tempDir } from "./helpers.js";
import { populate } from "./populated.js";

afterEach(removeTempDirs);

type Line = Record<string, unknown> & { t?: string; sub?: string; key?: string };

/** A populated TH node's backup, as its lines. */
async function backup(...extra: string[]): Promise<{ dir: string; out: string; lines: Line[] }> {
  const dir = await initNode();
  await populate(dir);
  const out = join(await tempDir(), "th.frxbak");
  const b = await cli("backup", "--dir", dir, "--out", out, ...extra);
  expect(b.code, b.stderr).toBe(0);
  const lines = (await readFile(out, "utf8"))
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
  return { dir, out, lines };
}

async function edited(lines: Line[]): Promise<string> {
  const file = join(await tempDir(), "edited.frxbak");
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return file;
}

async function restoreRefused(from: string, ...extra: string[]): Promise<string> {
  const target = join(await tempDir(), "t");
  // Any well-formed data key file: the seal is checked before anything is restored.
  const dataKeys = join(await tempDir(), "data-keys.json");
  await FileKeySource.create(dataKeys, new Date());
  const r = await cli(
    "restore",
    "--dir",
    target,
    "--from",
    from,
    "--data-keys",
    dataKeys,
    ...extra,
  );
  expect(r.code, r.stdout).toBe(1);
  expect(await readdir(target).catch(() => [])).toEqual([]);
  return r.stderr;
}

describe("frx-node backup: the seal (issue 18, finding 7)", () => {
  it("refuses a backup with an added agency, its counts mended", async () => {
    const { lines } = await backup("--include-keys");
    const header = lines[0] as unknown as BackupHeader;
    const agency = lines.find((l) => l.t === "kv" && l.sub === "participants")!;
    const forged = {
      ...agency,
      key: "TH:EVIL",
      value: {
        ...(agency.value as object),
        id: "TH:EVIL",
        keys: [publicJwkOf(generateSigningKey().privateJwk)],
      },
    };
    header.counts.sublevels.participants! += 1;
    const i = lines.indexOf(agency);
    const file = await edited([...lines.slice(0, i + 1), forged, ...lines.slice(i + 1)]);
    expect(await restoreRefused(file)).toContain("is truncated or altered");
  });

  it("refuses a backup whose audit tail was cut off, its counts and seal line kept", async () => {
    const { lines } = await backup("--include-keys");
    const header = lines[0] as unknown as BackupHeader;
    const audit = lines.filter((l) => l.t === "kv" && l.sub === "audit");
    const cut = audit.slice(-2);
    header.counts.sublevels.audit! -= cut.length;
    const file = await edited(lines.filter((l) => !cut.includes(l)));
    expect(await restoreRefused(file)).toContain("is truncated or altered");
  });

  it("refuses a backup re-sealed with another member's keys and restored with them", async () => {
    const f = await federation();
    const out = join(await tempDir(), "th.frxbak");
    expect((await cli("backup", "--dir", f.dirs.TH, "--out", out)).code).toBe(0);
    const lines = (await readFile(out, "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    const laKeys = await readNodeKeys(f.dirs.LA);
    const header = lines[0] as unknown as BackupHeader;
    header.publicKeys = nodePublicKeys(laKeys);
    // The attacker holds LA's keys, and seals the edited backup with them.
    const digest = new LineDigest();
    for (const l of lines.slice(0, -1)) digest.add(JSON.stringify(l));
    const file = await edited([...lines.slice(0, -1), digest.seal(nodeSigner(laKeys)) as never]);
    expect(await restoreRefused(file, "--keys", join(f.dirs.LA, "node-keys.json"))).toContain(
      "trust.own-entry-mismatch",
    );
  });

  it("refuses a backup whose header names keys other than those it is restored with", async () => {
    const { lines, dir } = await backup();
    const other = await initNode();
    const header = lines[0] as unknown as BackupHeader;
    header.publicKeys = nodePublicKeys(await readNodeKeys(other));
    const file = await edited(lines);
    expect(await restoreRefused(file, "--keys", join(dir, "node-keys.json"))).toContain(
      "is not the key of node TH",
    );
  });

  it("refuses a backup without its seal, and one made by an older frx-node", async () => {
    const { lines, dir } = await backup();
    const keys = join(dir, "node-keys.json");
    expect(await restoreRefused(await edited(lines.slice(0, -1)), "--keys", keys)).toContain(
      "ends without its seal",
    );
    const v1 = [{ ...lines[0], version: 1 }, ...lines.slice(1)];
    expect(await restoreRefused(await edited(v1), "--keys", keys)).toContain("backup version 1");
  });
});
