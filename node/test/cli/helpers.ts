import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKey, type PrivateJwk, type PublicJwk } from "@frx/spec";
import { Level } from "level";
import { expect } from "vitest";
import { run, type Io } from "../../src/cli/main.js";
import type { ParticipantRecord } from "../../src/store/records.js";
import { AGGREGATES } from "../../src/store/db.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one frx-node command line in-process and captures what it writes. */
export async function cli(...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const dirs: string[] = [];

/** A fresh folder under the OS temp dir, removed by `removeTempDirs`. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "frx-cli-"));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** `frx-node init` of a TH node in a new temp folder; returns the node's folder. */
export async function initNode(...extra: string[]): Promise<string> {
  const dir = join(await tempDir(), "node");
  const result = await cli("init", "--dir", dir, "--node", "TH", ...extra);
  if (result.code !== 0) throw new Error(`init failed: ${result.stderr}`);
  return dir;
}

/** A new agency key pair with its public JWK written to a file. */
export async function agencyKey(): Promise<{
  file: string;
  publicJwk: PublicJwk;
  privateJwk: PrivateJwk;
}> {
  const { privateJwk, publicJwk } = generateSigningKey();
  const file = join(await tempDir(), "agency.pub.json");
  await writeFile(file, JSON.stringify(publicJwk));
  return { file, publicJwk, privateJwk };
}

/** Registers TH:DOE as a labour inspectorate through the CLI. */
export async function addDoe(dir: string, ...extra: string[]): Promise<CliResult> {
  const { file } = await agencyKey();
  return cli(
    "agency",
    "add",
    "--dir",
    dir,
    "--id",
    "TH:DOE",
    "--name",
    "Department of Labour Protection",
    "--roles",
    "labour_inspectorate",
    "--org-type",
    "LabourInspectorate",
    "--key",
    file,
    ...extra,
  );
}

/** Every key and value of every sublevel of the (closed) store in `dir`. */
export async function dumpStore(dir: string): Promise<Record<string, Array<[string, unknown]>>> {
  const db = new Level<string, unknown>(join(dir, "store"), { valueEncoding: "json" });
  await db.open();
  const out: Record<string, Array<[string, unknown]>> = {};
  try {
    for (const name of AGGREGATES) {
      out[name] = [];
      const sub = db.sublevel<string, unknown>(name, { valueEncoding: "json" });
      for await (const entry of sub.iterator()) out[name].push(entry);
    }
  } finally {
    await db.close();
  }
  return out;
}

/** `agency list --json`, parsed. */
export async function listJson(dir: string): Promise<ParticipantRecord[]> {
  const r = await cli("agency", "list", "--dir", dir, "--json");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ParticipantRecord[];
}

/** The audit entries of actions, leaving out the state entries that record each batch's writes. */
export async function auditLength(dir: string): Promise<number> {
  return (await dumpStore(dir)).audit!.filter(([, e]) => (e as { kind?: string }).kind !== "state")
    .length;
}
