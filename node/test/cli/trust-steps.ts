/** Shared steps of the trust-list CLI tests: three initialised nodes, member files, proposals. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalize, trustListDigest, type SignedTrustList, type Types } from "@frx/spec";
import { expect } from "vitest";
import type { NodeConfig } from "../../src/config/config.js";
import { cli, tempDir, type CliResult } from "./helpers.js";

export const COUNTRIES = ["TH", "LA", "KH"] as const;
export type Country = (typeof COUNTRIES)[number];

export function ok(r: CliResult): CliResult {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** A refusal: exit 1, nothing on stdout, `message` on stderr. */
export function refused(r: CliResult, message: string): void {
  expect(r.code, r.stdout).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(message);
}

export async function initCountry(cc: string, ...extra: string[]): Promise<string> {
  const dir = join(await tempDir(), cc.toLowerCase());
  const url = `https://frx.${cc.toLowerCase()}.example`;
  ok(await cli("init", "--dir", dir, "--node", cc, "--public-url", url, ...extra));
  return dir;
}

export async function memberFile(dir: string): Promise<string> {
  const file = join(await tempDir(), "member.json");
  ok(await cli("trust", "member", "--dir", dir, "--out", file));
  return file;
}

export async function newFile(name: string): Promise<string> {
  return join(await tempDir(), name);
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

export async function payloadOf(file: string): Promise<Types.TrustList> {
  const signed = await readJson<SignedTrustList>(file);
  return JSON.parse(Buffer.from(signed.payload, "base64url").toString("utf8")) as Types.TrustList;
}

/** Rewrites the list inside FILE, keeping the signatures (which then no longer match). */
export async function tamper(file: string, change: (list: Types.TrustList) => void): Promise<void> {
  const signed = await readJson<SignedTrustList>(file);
  const list = await payloadOf(file);
  change(list);
  signed.payload = Buffer.from(canonicalize(list)).toString("base64url");
  await writeFile(file, JSON.stringify(signed));
}

export async function pinned(dir: string): Promise<string | null> {
  return (await readJson<NodeConfig>(join(dir, "config.json"))).federation?.genesisDigest ?? null;
}

export async function showJson(dir: string): Promise<{
  state: string;
  version?: number;
  digest?: string;
  signedBy?: string[];
  members?: Array<{ node: string; status: string; signingKeys: Array<{ kid: string }> }>;
}> {
  return JSON.parse(ok(await cli("trust", "show", "--dir", dir, "--json")).stdout) as Awaited<
    ReturnType<typeof showJson>
  >;
}

export interface Federation {
  dirs: Record<Country, string>;
  members: Record<Country, string>;
  genesis: string;
  digest: string;
}

/** TH, LA and KH initialised, a genesis list proposed by TH, signed by all, pinned by all. */
export async function federation(): Promise<Federation> {
  const dirs = {} as Record<Country, string>;
  const members = {} as Record<Country, string>;
  for (const cc of COUNTRIES) {
    dirs[cc] = await initCountry(cc);
    members[cc] = await memberFile(dirs[cc]);
  }
  const genesis = await newFile("genesis.json");
  ok(
    await cli(
      "trust",
      "propose",
      "--members",
      COUNTRIES.map((cc) => members[cc]).join(","),
      "--out",
      genesis,
    ),
  );
  for (const cc of COUNTRIES) ok(await cli("trust", "sign", "--dir", dirs[cc], "--in", genesis));
  for (const cc of COUNTRIES)
    ok(await cli("trust", "apply", "--dir", dirs[cc], "--in", genesis, "--pin"));
  const digest = trustListDigest(await readJson<SignedTrustList>(genesis));
  return { dirs, members, genesis, digest };
}

/** TH proposes version 2 of the federation's list with `extra` flags, unsigned. */
export async function proposeNext(f: Federation, ...extra: string[]): Promise<string> {
  const file = await newFile("v2.json");
  ok(await cli("trust", "propose", "--previous", f.genesis, "--out", file, ...extra));
  return file;
}
