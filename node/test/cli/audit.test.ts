import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { entryHash, type AuditReport } from "../../src/domain/audit.js";
import { pad } from "../../src/store/db.js";
import type { AuditEntry } from "../../src/store/records.js";
import { addDoe, cli, initNode, removeTempDirs } from "./helpers.js";

afterEach(removeTempDirs);

/** Sets config.json's checkpointEvery, as an operator would by editing the file. */
async function checkpointEvery(dir: string, n: number): Promise<void> {
  const file = join(dir, "config.json");
  const config = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, checkpointEvery: n }));
}

/** Rewrites one audit entry behind the node's back. */
async function tamper(dir: string, seq: number, change: Partial<AuditEntry>): Promise<void> {
  const db = new Level<string, unknown>(join(dir, "store"), { valueEncoding: "json" });
  const audit = db.sublevel<string, AuditEntry>("audit", { valueEncoding: "json" });
  await db.open();
  try {
    const entry = await audit.get(pad(seq));
    if (!entry) throw new Error(`no audit entry ${seq}`);
    await audit.put(pad(seq), { ...entry, ...change });
  } finally {
    await db.close();
  }
}

describe("frx-node audit verify", () => {
  it("reports ok with the entry and checkpoint counts", async () => {
    const dir = await initNode();
    await checkpointEvery(dir, 2);
    await addDoe(dir);
    await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    await cli("agency", "enable", "--dir", dir, "--id", "TH:DOE");
    const r = await cli("audit", "verify", "--dir", dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/audit entries:\s+4\n/);
    expect(r.stdout).toMatch(/checkpoints:\s+2 /);
    expect(r.stdout.trimEnd().endsWith("\nok")).toBe(true);
    const json = await cli("audit", "verify", "--dir", dir, "--json");
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, entries: 4, checkpoints: 2 });
  });

  it("names the first tampered entry and exits 1", async () => {
    const dir = await initNode();
    await addDoe(dir);
    await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    await cli("agency", "enable", "--dir", dir, "--id", "TH:DOE");
    await tamper(dir, 2, { detail: "participant TH:DOE left alone" });
    const r = await cli("audit", "verify", "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("broken at seq 2: hash does not match the entry's content");
    const json = await cli("audit", "verify", "--dir", dir, "--json");
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as AuditReport;
    expect(report).toMatchObject({ ok: false, firstBroken: { seq: 2 } });
  });

  it("detects a rewritten entry with a recomputed hash by the next entry's link", async () => {
    const dir = await initNode();
    await addDoe(dir);
    await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    const db = new Level<string, unknown>(join(dir, "store"), { valueEncoding: "json" });
    const audit = db.sublevel<string, AuditEntry>("audit", { valueEncoding: "json" });
    await db.open();
    const { hash: _old, ...first } = (await audit.get(pad(1)))!;
    const rewritten = { ...first, detail: "participant TH:FAKE registered" };
    await audit.put(pad(1), { ...rewritten, hash: entryHash(rewritten) });
    await db.close();
    const r = await cli("audit", "verify", "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("broken at seq 2: prev does not match the previous entry's hash");
  });
});
