// The store-scale suite: a node holding a year of traffic. Fills a store with `messages`
// records directly (scale-fill.js), starts a node on it, and measures its start, its peak
// memory, inbox and case-view reads, and ingest through the API against an empty node in the
// same run (same envelopes, same load).
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createSigner, type Signer } from "@frx/spec";
import { SignJWT } from "jose";
import { generateNodeKeys } from "../config/keys.js";
import { AGENCY_TOKEN_TYP } from "../http/auth/agency-token.js";
import { Child } from "./children.js";
import { benchAgencies, signEnvelopes, type BenchAgency } from "./envelopes.js";
import { cpuSnapshot, machineShare } from "./machine.js";
import type { MemoryParts, ProbeReport, RequestProbe } from "./node-probe.js";
import type { NodeServerSetup, NodeServerStats } from "./node-server.js";
import { here, runLoad, START_MS, stopServer } from "./parent.js";
import type { FillJob } from "./scale-fill.js";
import { summarize } from "./stats.js";

/**
 * The environment the bench runs its nodes in: the operator guide's (docs/operator-guide.md,
 * "Start and stop": MALLOC_ARENA_MAX=2 and V8's semi-spaces capped at 8 MB), unless the
 * caller's environment sets its own.
 */
export const NODE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
  NODE_OPTIONS: process.env.NODE_OPTIONS?.includes("--max-semi-space-size")
    ? process.env.NODE_OPTIONS
    : `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=8`.trim(),
};

export interface ScaleOptions {
  messages: number;
  /** Envelopes posted through the API to each node (after a tenth as warm-up). */
  apiCount: number;
  concurrency: number;
  jwsBytes: number;
  reads: number;
  /** Reads of each kind made before the timed ones, not counted (a node that has run a year is warm). */
  readWarmup: number;
  timeLimitMs: number;
}

export interface ScaleLine {
  bench: "store-scale";
  messages: number;
  rssMB: number;
  startMs: number;
  inboxP99ms: number;
  caseViewP99ms: number;
  inboxP50ms: number;
  caseViewP50ms: number;
  ingestPerSec: number;
  emptyIngestPerSec: number;
  ingestRatio: number;
  /** Peak RSS of the empty node under the same load, and the first start after the fill. */
  emptyRssMB: number;
  firstStartMs: number;
  fillSeconds: number;
  apiEnvelopes: number;
  /** The full node's resident memory once listening, after the reads, and its heap at the end. */
  rssAtStartMB: number;
  rssAfterReadsMB: number;
  heapUsedMB: number;
  externalMB: number;
  /** The node's MALLOC_ARENA_MAX and NODE_OPTIONS, as the operator guide recommends (NODE_ENV). */
  mallocArenaMax: string;
  nodeOptions: string;
}

/** Why the figures are what they are: printed as a second line. */
export interface ScaleDetail {
  bench: "store-scale-detail";
  messages: number;
  readWarmup: number;
  /** Store records the node read from createNode to listening, in all and by aggregate. */
  startReads: ProbeReport["startReads"];
  /** Time inside the node's handler (client time less the HTTP round trip). */
  inboxServerP50ms: number;
  inboxServerP99ms: number;
  caseViewServerP50ms: number;
  caseViewServerP99ms: number;
  /** The main thread's CPU time per read (load-independent), and its wait for a core. */
  inboxCpuP50ms: number;
  inboxCpuP99ms: number;
  caseViewCpuP50ms: number;
  caseViewCpuP99ms: number;
  /** The most store records one inbox page (limit 100) or one case view read. */
  inboxRowsMax: number;
  caseViewRowsMax: number;
  /** The full node's garbage collections from start to close, and the slowest timed reads. */
  gc: ProbeReport["gc"];
  slowest: Array<{ route: string; i: number; ms: number } & Omit<RequestProbe, "path" | "ms">>;
  slowestServerMs: number[];
  /** Where the memory was at each node's sampled peak. */
  peak: MemoryParts | null;
  emptyPeak: MemoryParts | null;
  /** Load: the 1-minute load average at each phase, and others' share of the machine. */
  loadAvg: { empty: number; fill: number; reads: number; ingest: number };
  emptyOtherPct: number;
  fullOtherPct: number;
}

interface FillResult {
  fillMs: number;
  sampleCases: Array<{ case: string; party: string }>;
  inboxCursor: number;
}

export async function storeScaleSuite(
  o: ScaleOptions,
  tmp: string,
): Promise<{ line: ScaleLine; detail: ScaleDetail }> {
  const agencies = benchAgencies();
  const warmup = Math.max(1, Math.round(o.apiCount / 10));
  const envelopes = signEnvelopes(agencies, 2 * (warmup + o.apiCount), o.jwsBytes);
  const emptyFile = join(tmp, "scale-empty.json");
  const fullFile = join(tmp, "scale-full.json");
  const half = warmup + o.apiCount;
  await writeFile(emptyFile, JSON.stringify(envelopes.slice(0, half).map((e) => e.jws)));
  await writeFile(fullFile, JSON.stringify(envelopes.slice(half).map((e) => e.jws)));
  const job = { warmup, count: o.apiCount, concurrency: o.concurrency, timeLimitMs: o.timeLimitMs };

  process.stderr.write("store-scale: ingest on an empty store…\n");
  const loadAvg = { empty: load1(), fill: 0, reads: 0, ingest: 0 };
  const empty = await ingestInto(tmp, "empty", agencies, emptyFile, job);

  process.stderr.write(`store-scale: writing ${o.messages} messages into a store…\n`);
  const dir = join(tmp, "scale-node");
  const keys = generateNodeKeys();
  const fillFile = join(tmp, "scale-fill.json");
  await writeFile(
    fillFile,
    JSON.stringify({
      dir,
      keys,
      agencies: agencies.map((a) => a.registration),
      jwsPool: envelopes.slice(0, 1000).map((e) => e.jws),
      messages: o.messages,
      perCase: 20,
    } satisfies FillJob),
    { mode: 0o600 },
  );
  loadAvg.fill = load1();
  const filler = new Child("scale-fill", here("scale-fill.js"), [fillFile]);
  const fill = await filler.next<FillResult>(3_600_000);
  await filler.stop(15_000);

  process.stderr.write("store-scale: starting a node on it, reading, ingesting…\n");
  const setupFile = join(tmp, "scale-setup.json");
  await writeFile(
    setupFile,
    JSON.stringify({ dir, keys, agencies: [] } satisfies NodeServerSetup),
    {
      mode: 0o600,
    },
  );
  // The first start after the fill opens a store whose log was never compacted (the fill wrote
  // unsynced batches and closed); a node that has run for a year has. Both are reported; the
  // second is the node's start.
  const first = new Child("scale-node-first", here("node-server.js"), [setupFile], [], NODE_ENV);
  const firstStartMs = (await first.next<{ startMs: number }>(START_MS * 4)).startMs;
  await stopServer<NodeServerStats>(first);
  const fullStart = cpuSnapshot();
  const server = new Child("scale-node", here("node-server.js"), [setupFile], [], NODE_ENV);
  const { port, pid, startMs, rssAtListenMB } = await server.next<{
    port: number;
    pid: number;
    startMs: number;
    rssAtListenMB: number;
  }>(START_MS * 4);
  const origin = `http://127.0.0.1:${port}`;
  const signers = new Map(agencies.map((a) => [a.registration.id, createSigner(a.privateJwk)]));
  const inboxMs: number[] = [];
  const caseMs: number[] = [];
  loadAvg.reads = load1();
  // The warm-up reads other cases and cursors than the timed ones (offset by `reads`).
  for (let k = 0; k < o.readWarmup + o.reads; k++) {
    const i = k < o.readWarmup ? o.reads + k : k - o.readWarmup;
    const sample = fill.sampleCases[(i * 7919) % fill.sampleCases.length]!;
    const participant = agencies[i % agencies.length]!.registration.id;
    const after = Math.floor((((i * 104_729) % 1000) / 1000) * fill.inboxCursor);
    const inbox = await timedGet(
      origin,
      `/v1/inbox?after=${after}&limit=100`,
      participant,
      signers,
    );
    const view = await timedGet(
      origin,
      `/v1/cases/${encodeURIComponent(sample.case)}`,
      sample.party,
      signers,
    );
    if (k < o.readWarmup) continue;
    inboxMs.push(inbox);
    caseMs.push(view);
  }
  const rssAfterReadsMB = await rssOf(pid);
  loadAvg.ingest = load1();
  const load = await runLoad(tmp, "scale-full", {
    ...job,
    origin,
    path: "/v1/envelopes",
    contentType: "application/jose",
    bodiesFile: fullFile,
  });
  const stats = await stopServer<NodeServerStats>(server);
  const fullMachine = machineShare(fullStart, stats.cpuMs + load.cpuMs);
  const ingestPerSec = load.measured.perSec;
  const line: ScaleLine = {
    bench: "store-scale",
    messages: o.messages,
    rssMB: stats.maxRssMB,
    startMs,
    inboxP99ms: summarize(Float64Array.from(inboxMs)).p99Ms,
    caseViewP99ms: summarize(Float64Array.from(caseMs)).p99Ms,
    inboxP50ms: summarize(Float64Array.from(inboxMs)).p50Ms,
    caseViewP50ms: summarize(Float64Array.from(caseMs)).p50Ms,
    ingestPerSec,
    emptyIngestPerSec: empty.perSec,
    ingestRatio: Math.round((ingestPerSec / Math.max(1e-9, empty.perSec)) * 1000) / 1000,
    emptyRssMB: empty.maxRssMB,
    firstStartMs,
    fillSeconds: Math.round(fill.fillMs / 100) / 10,
    apiEnvelopes: load.created.length,
    rssAtStartMB: rssAtListenMB,
    rssAfterReadsMB,
    heapUsedMB: stats.memory.heapUsedMB,
    externalMB: stats.memory.externalMB,
    mallocArenaMax: NODE_ENV.MALLOC_ARENA_MAX!,
    nodeOptions: NODE_ENV.NODE_OPTIONS!,
  };
  // The node saw the GETs in the order they were sent: per iteration an inbox page, then a case.
  const seen = (stats.probe?.requests ?? []).slice(2 * o.readWarmup);
  const inboxSeen = seen.filter((_, j) => j % 2 === 0);
  const caseSeen = seen.filter((_, j) => j % 2 === 1);
  const handlerTimes = (r: RequestProbe[]) => summarize(Float64Array.from(r.map((x) => x.ms)));
  const cpuTimes = (r: RequestProbe[]) => summarize(Float64Array.from(r.map((x) => x.cpuMs)));
  const timed = [
    ...inboxMs.map((ms, i) => ({ route: "inbox", i, ms, probe: inboxSeen[i] })),
    ...caseMs.map((ms, i) => ({ route: "case", i, ms, probe: caseSeen[i] })),
  ].sort((a, b) => b.ms - a.ms);
  const detail: ScaleDetail = {
    bench: "store-scale-detail",
    messages: o.messages,
    readWarmup: o.readWarmup,
    startReads: stats.probe?.startReads ?? { gets: 0, scans: 0, rows: 0, byAggregate: {} },
    inboxServerP50ms: handlerTimes(inboxSeen).p50Ms,
    inboxServerP99ms: handlerTimes(inboxSeen).p99Ms,
    caseViewServerP50ms: handlerTimes(caseSeen).p50Ms,
    caseViewServerP99ms: handlerTimes(caseSeen).p99Ms,
    inboxCpuP50ms: cpuTimes(inboxSeen).p50Ms,
    inboxCpuP99ms: cpuTimes(inboxSeen).p99Ms,
    caseViewCpuP50ms: cpuTimes(caseSeen).p50Ms,
    caseViewCpuP99ms: cpuTimes(caseSeen).p99Ms,
    inboxRowsMax: Math.max(0, ...inboxSeen.map((r) => r.rows)),
    caseViewRowsMax: Math.max(0, ...caseSeen.map((r) => r.rows)),
    gc: stats.probe?.gc ?? { count: 0, totalMs: 0, maxMs: 0, over10ms: 0 },
    slowest: timed.slice(0, 6).map(({ route, i, ms, probe }) => ({
      route,
      i,
      ms: Math.round(ms * 100) / 100,
      rows: probe?.rows ?? -1,
      gcMs: probe?.gcMs ?? -1,
      cpuMs: probe?.cpuMs ?? -1,
      queuedMs: probe?.queuedMs ?? -1,
    })),
    slowestServerMs: timed.slice(0, 6).map((t) => t.probe?.ms ?? -1),
    peak: stats.probe?.peak ?? null,
    emptyPeak: empty.peak,
    loadAvg,
    emptyOtherPct: empty.otherPct,
    fullOtherPct: fullMachine.otherPct,
  };
  return { line, detail };
}

/** The machine's 1-minute load average, to one decimal. */
function load1(): number {
  return Math.round(loadavg()[0]! * 10) / 10;
}

/** A process's resident memory now, in MB, from /proc (0 where there is none). */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : 0;
}

async function ingestInto(
  tmp: string,
  name: string,
  agencies: BenchAgency[],
  bodiesFile: string,
  job: { warmup: number; count: number; concurrency: number; timeLimitMs: number },
): Promise<{ perSec: number; maxRssMB: number; peak: MemoryParts | null; otherPct: number }> {
  const setupFile = join(tmp, `scale-${name}-setup.json`);
  const setup: NodeServerSetup = {
    dir: join(tmp, `scale-${name}`),
    keys: generateNodeKeys(),
    agencies: agencies.map((a) => a.registration),
  };
  await writeFile(setupFile, JSON.stringify(setup), { mode: 0o600 });
  const started = cpuSnapshot();
  const server = new Child(`scale-${name}`, here("node-server.js"), [setupFile], [], NODE_ENV);
  const { port } = await server.next<{ port: number }>(START_MS);
  const load = await runLoad(tmp, `scale-${name}`, {
    ...job,
    origin: `http://127.0.0.1:${port}`,
    path: "/v1/envelopes",
    contentType: "application/jose",
    bodiesFile,
  });
  const stats = await stopServer<NodeServerStats>(server);
  return {
    perSec: load.measured.perSec,
    maxRssMB: stats.maxRssMB,
    peak: stats.probe?.peak ?? null,
    otherPct: machineShare(started, stats.cpuMs + load.cpuMs).otherPct,
  };
}

/** One authenticated GET; its latency in ms (the token is made before the clock starts). */
async function timedGet(
  origin: string,
  path: string,
  participant: string,
  signers: Map<string, Signer>,
): Promise<number> {
  const signer = signers.get(participant)!;
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: AGENCY_TOKEN_TYP, kid: signer.kid })
    .setIssuer(participant)
    .setAudience("TH")
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomUUID())
    .sign(signer.privateKey);
  const t0 = performance.now();
  const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${path} as ${participant}: ${res.status}`);
  return ms;
}
