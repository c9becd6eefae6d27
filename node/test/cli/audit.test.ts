import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { entryHash, type AuditReport } from "../../src/domain/audit.js";
import { pad } from "../../src/store/db.js";
import type { AuditEntry } from "../../src/store/records.js";
import { addDoe, cli, initNode, removeTempDirs, tempDir } from "./helpers.js";

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
    // init's entry (its operator key), then each admin action is two entries: the action, and
    // the state entry of the records it wrote; a checkpoint every two entries.
    expect(r.stdout).toMatch(/audit entries:\s+7\n/);
    expect(r.stdout).toMatch(/checkpoints:\s+3 /);
    expect(r.stdout.trimEnd().endsWith("\nok")).toBe(true);
    const json = await cli("audit", "verify", "--dir", dir, "--json");
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      entries: 7,
      checkpoints: 3,
      anchoredAt: 6,
      unanchored: 1,
    });
  });

  it("names the first tampered entry and exits 1", async () => {
    const dir = await initNode();
    await addDoe(dir);
    await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    await cli("agency", "enable", "--dir", dir, "--id", "TH:DOE");
    await tamper(dir, 2, { detail: "participant TH:DOE left alone" });
    const r = await cli("audit", "verify", "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "audit.chain-broken: broken at seq 2: hash does not match the entry's content",
    );
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
    expect(r.stdout).toContain(
      "audit.chain-broken: broken at seq 2: prev does not match the previous entry's hash",
    );
  });
});

/** Flips one bit inside the newest record of the store's write-ahead log, as a failing disk might. */
async function flipNewestWalRecord(dir: string): Promise<void> {
  const store = join(dir, "store");
  const log = (await readdir(store))
    .filter((f) => f.endsWith(".log"))
    .sort()
    .pop()!;
  const bytes = await readFile(join(store, log));
  bytes[bytes.length - 20]! ^= 0x01;
  await writeFile(join(store, log), bytes);
}

describe("frx-node audit: anchoring the tail (FRX-AUD-003 to FRX-AUD-005)", () => {
  it("reports the entries after the newest checkpoint as unanchored", async () => {
    const dir = await initNode();
    await addDoe(dir);
    const json = await cli("audit", "verify", "--dir", dir, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, anchoredAt: 0, unanchored: 3 });
    const r = await cli("audit", "verify", "--dir", dir);
    expect(r.stdout).toMatch(/unanchored:\s+3 entries after entry 0/);
  });

  it("exports a checkpoint that catches a re-chained tail, and refuses to anchor a broken chain", async () => {
    const dir = await initNode();
    await addDoe(dir);
    await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    const out = join(await tempDir(), "anchor.json");
    const cp = await cli("audit", "checkpoint", "--dir", dir, "--out", out);
    expect(cp.code, cp.stderr).toBe(0);
    expect(cp.stdout).toMatch(/anchored:\s+entry 5 /);
    expect(
      JSON.parse(
        await cli("audit", "verify", "--dir", dir, "--anchor", out, "--json").then((r) => r.stdout),
      ),
    ).toMatchObject({ ok: true, anchoredAt: 5, unanchored: 0 });
    // Whoever edits the folder rewrites the newest entry, drops the node's own checkpoints and anchor.
    const db = new Level<string, unknown>(join(dir, "store"), { valueEncoding: "json" });
    const audit = db.sublevel<string, AuditEntry>("audit", { valueEncoding: "json" });
    await db.open();
    const { hash: _old, ...newest } = (await audit.get(pad(5)))!;
    const rewritten = { ...newest, actor: "someone-else" };
    await audit.put(pad(5), { ...rewritten, hash: entryHash(rewritten) });
    await db.sublevel("checkpoints", { valueEncoding: "json" }).clear();
    await db.close();
    await rm(join(dir, "audit-anchor.json"));
    expect((await cli("audit", "verify", "--dir", dir)).code).toBe(0);
    const r = await cli("audit", "verify", "--dir", dir, "--anchor", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("audit.anchor-mismatch: broken at seq 5");
    await tamper(dir, 2, { detail: "edited" });
    const broken = await cli("audit", "checkpoint", "--dir", dir, "--out", out);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("nothing was anchored");
  });

  it("catches the newest batch lost to a flipped byte in the write-ahead log, through the node's own anchor", async () => {
    const dir = await initNode();
    await checkpointEvery(dir, 1);
    await addDoe(dir);
    await cli("agency", "disable", "--dir", dir, "--id", "TH:DOE");
    await flipNewestWalRecord(dir);
    const r = await cli("audit", "verify", "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "audit.anchor-mismatch: broken at seq 4: the anchor signs entry 5, but the chain ends at entry 3",
    );
  });
});
