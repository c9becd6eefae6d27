// `npm run bench`: two suites, each printing one JSON line per figure on stdout and a summary
// on stderr. `ingest`: FRX ingest throughput against a bare hono JSON echo, side by side, each
// server in its own process and the load from a third. `federation`: two nodes (TH, LA) in
// their own processes, cross-border latency from A's 201 to B's inbox, then a backlog queued
// while B is down and drained when it comes back. Options: --suite ingest|federation|all
// (default all); ingest: --count N --warmup N --concurrency N --time-limit SECONDS (per
// measured phase) --jws-bytes N; federation: --rate N --steady N --bursts N --burst-size N
// --backlog N --backlog-concurrency N --queue-limit SECONDS --drain-limit SECONDS --budget
// SECONDS (the federation suite's bound, 355 s); ingest: --verify-threads N (the node's
// `verifyThreads`, default one per core); store-scale (not in all: it writes a year of
// traffic first): --messages N (default 1,000,000) --scale-count N --reads N --read-warmup N; --profile (CPU-profiles the nodes: the
// ingest node throughout, federation node A while it queues, A and B during the drain).
// `attachment`: one file TH → LA across the federation (each node in its own process) against
// a plain HTTP copy of the same bytes on loopback to a server process that writes them to disk
// (--attachment-bytes N, default 100,000,000; --profile CPU-profiles both nodes).
import { rmSync } from "node:fs";
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateNodeKeys } from "../config/keys.js";
import { Child, killChildren } from "./children.js";
import { checkDurability } from "./durability.js";
import { benchAgencies, signEnvelopes, type SignedEnvelope } from "./envelopes.js";
import { federationLines, federationText } from "./fed-report.js";
import { federationSuite, type FederationOptions } from "./federation.js";
import { cpuSnapshot, machineShare, type MachineShare } from "./machine.js";
import type { NodeServerSetup, NodeServerStats } from "./node-server.js";
import { here, runLoad, START_MS, stopServer } from "./parent.js";
import { attachmentSuite } from "./attachment.js";
import { summarizeProfile } from "./profile.js";
import { reportLines, reportText, type BenchReport } from "./report.js";
import { storeScaleSuite, type ScaleOptions } from "./store-scale.js";

/** Upper bounds of each suite as a whole; the watchdog allows the sum of those selected. The
 * federation suite plans for its --budget and gets some slack on top. */
const INGEST_MS = 170_000;
const FEDERATION_SLACK_MS = 45_000;
const ATTACHMENT_MS = 180_000;

const { values: opts } = parseArgs({
  options: {
    suite: { type: "string", default: "all" },
    count: { type: "string", default: "5000" },
    warmup: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "32" },
    "time-limit": { type: "string", default: "45" },
    "jws-bytes": { type: "string", default: "1536" },
    rate: { type: "string", default: "20" },
    steady: { type: "string", default: "300" },
    bursts: { type: "string", default: "5" },
    "burst-size": { type: "string", default: "200" },
    backlog: { type: "string", default: "50000" },
    "backlog-concurrency": { type: "string", default: "32" },
    "queue-limit": { type: "string", default: "80" },
    "drain-limit": { type: "string", default: "300" },
    budget: { type: "string", default: "355" },
    profile: { type: "boolean", default: false },
    "verify-threads": { type: "string" },
    "attachment-bytes": { type: "string", default: "100000000" },
    messages: { type: "string", default: "1000000" },
    "scale-count": { type: "string", default: "2000" },
    reads: { type: "string", default: "300" },
    "read-warmup": { type: "string", default: "20" },
  },
});
const suite = opts.suite;
if (!["ingest", "federation", "attachment", "store-scale", "all"].includes(suite)) {
  process.stderr.write(
    `bench: --suite must be ingest, federation, attachment, store-scale or all, not ${suite}\n`,
  );
  process.exit(2);
}
const count = Number(opts.count);
const warmup = Number(opts.warmup);
const concurrency = Number(opts.concurrency);
const timeLimitMs = Number(opts["time-limit"]) * 1000;
const jwsBytes = Number(opts["jws-bytes"]);
/** The ingest node's verification threads (its config's `verifyThreads`); by default one per core. */
const verifyThreads =
  opts["verify-threads"] === undefined ? undefined : Number(opts["verify-threads"]);
const federation: FederationOptions = {
  jwsBytes,
  warmup: 100,
  rate: Number(opts.rate),
  steady: Number(opts.steady),
  bursts: Number(opts.bursts),
  burstSize: Number(opts["burst-size"]),
  burstConcurrency: concurrency,
  backlog: Number(opts.backlog),
  backlogConcurrency: Number(opts["backlog-concurrency"]),
  queueLimitMs: Number(opts["queue-limit"]) * 1000,
  drainLimitMs: Number(opts["drain-limit"]) * 1000,
  budgetMs: Number(opts.budget) * 1000,
  profile: opts.profile,
};
const runIngest = suite === "ingest" || suite === "all";
const runFederation = suite === "federation" || suite === "all";
const runAttachment = suite === "attachment" || suite === "all";
const attachmentBytes = Number(opts["attachment-bytes"]);
const runScale = suite === "store-scale";
const scale: ScaleOptions = {
  messages: Number(opts.messages),
  apiCount: Number(opts["scale-count"]),
  concurrency,
  jwsBytes,
  reads: Number(opts.reads),
  readWarmup: Number(opts["read-warmup"]),
  timeLimitMs,
};

const tmp = await mkdtemp(join(tmpdir(), "frx-bench-"));
const abandon = (why: string, code: number) => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`bench: ${why}\n`);
  process.exit(code);
};
const wholeMs =
  (runIngest ? INGEST_MS : 0) +
  (runFederation ? federation.budgetMs + FEDERATION_SLACK_MS : 0) +
  (runAttachment ? ATTACHMENT_MS : 0) +
  // Filling allows 1 ms per message on top of two ingest phases and the reads.
  (runScale ? INGEST_MS + scale.messages : 0);
const watchdog = setTimeout(
  () => abandon(`still running after ${wholeMs / 1000} s; stopped`, 1),
  wholeMs,
);
process.once("SIGINT", () => abandon("interrupted", 130));
process.once("SIGTERM", () => abandon("terminated", 143));

try {
  if (runIngest) {
    const report = await bench();
    for (const line of reportLines(report)) process.stdout.write(JSON.stringify(line) + "\n");
    process.stderr.write(reportText(report));
  }
  if (runFederation) {
    const report = await federationSuite(federation, tmp);
    for (const line of federationLines(report)) process.stdout.write(JSON.stringify(line) + "\n");
    process.stderr.write(federationText(report));
  }
  if (runAttachment) {
    process.stderr.write(`attachment: ${attachmentBytes} bytes TH → LA vs a plain HTTP copy…\n`);
    const { figures, profiles } = await attachmentSuite(
      { bytes: attachmentBytes, profile: opts.profile },
      tmp,
    );
    process.stdout.write(JSON.stringify(figures) + "\n");
    if (profiles) process.stderr.write(JSON.stringify(profiles, null, 1) + "\n");
  }
  if (runScale) {
    const { line, detail } = await storeScaleSuite(scale, tmp);
    process.stdout.write(JSON.stringify(line) + "\n");
    process.stdout.write(JSON.stringify(detail) + "\n");
  }
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  killChildren();
  await rm(tmp, { recursive: true, force: true });
}

async function bench(): Promise<BenchReport> {
  const agencies = benchAgencies();
  const signStart = performance.now();
  const envelopes = signEnvelopes(agencies, warmup + count, jwsBytes);
  const sizes = envelopes.map((e) => e.jws.length);
  const jws = {
    signMs: Math.round(performance.now() - signStart),
    mean: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    min: Math.min(...sizes),
    max: Math.max(...sizes),
  };
  process.stderr.write(
    `signed ${envelopes.length} case.notify envelopes in ${jws.signMs} ms, JWS ${jws.min}–${jws.max} B\n`,
  );
  const envelopesFile = join(tmp, "envelopes.json");
  await writeFile(envelopesFile, JSON.stringify(envelopes.map((e) => e.jws)));
  const echoFile = join(tmp, "echo-bodies.json");
  await writeFile(echoFile, JSON.stringify([echoBody(envelopes[0]!, jws.mean)]));
  const job = { warmup, count, concurrency, timeLimitMs };

  // Baseline first: the same load against a server that only parses and returns JSON.
  process.stderr.write("echo baseline…\n");
  const echoStart = cpuSnapshot();
  const echo = new Child("echo-server", here("echo-server.js"));
  const echoPort = (await echo.next<{ port: number }>(START_MS)).port;
  const echoLoad = await runLoad(tmp, "echo", {
    ...job,
    origin: `http://127.0.0.1:${echoPort}`,
    path: "/echo",
    contentType: "application/json",
    bodiesFile: echoFile,
  });
  const echoStats = await stopServer<{ cpuMs: number }>(echo);
  const echoMachine = machineShare(echoStart, echoStats.cpuMs + echoLoad.cpuMs);

  process.stderr.write("FRX ingest…\n");
  const dir = join(tmp, "node");
  const profDir = join(tmp, "prof");
  const setupFile = join(tmp, "setup.json");
  const setup: NodeServerSetup = {
    dir,
    keys: generateNodeKeys(),
    agencies: agencies.map((a) => a.registration),
    ...(verifyThreads !== undefined ? { verifyThreads } : {}),
  };
  await writeFile(setupFile, JSON.stringify(setup), { mode: 0o600 });
  const frxStart = cpuSnapshot();
  const nodeArgs = opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const server = new Child("node-server", here("node-server.js"), [setupFile], nodeArgs);
  const nodePort = (await server.next<{ port: number }>(START_MS)).port;
  const frxLoad = await runLoad(tmp, "frx", {
    ...job,
    origin: `http://127.0.0.1:${nodePort}`,
    path: "/v1/envelopes",
    contentType: "application/jose",
    bodiesFile: envelopesFile,
  });
  const node = await stopServer<NodeServerStats>(server);
  const frxMachine: MachineShare = machineShare(frxStart, node.cpuMs + frxLoad.cpuMs);

  const durability = await checkDurability(dir, envelopes, frxLoad.created);
  return {
    concurrency,
    jws,
    echo: { load: echoLoad, serverCpuMs: echoStats.cpuMs, machine: echoMachine },
    frx: { load: frxLoad, serverCpuMs: node.cpuMs, machine: frxMachine },
    node,
    durability,
    ...(opts.profile ? { profile: await keepProfile(profDir) } : {}),
  };
}

/** The envelope's message as JSON, padded to `bytes`: what an echo of the same size parses. */
function echoBody(envelope: SignedEnvelope, bytes: number): string {
  const payload = Buffer.from(envelope.jws.split(".")[1]!, "base64url").toString("utf8");
  const message = JSON.parse(payload) as Record<string, unknown>;
  const bare = JSON.stringify({ ...message, pad: "" });
  return JSON.stringify({ ...message, pad: "x".repeat(Math.max(0, bytes - bare.length)) });
}

/**
 * Copies the node's CPU profiles out of the temp folder (which is removed) and ranks them: the
 * main thread's (thread id 0 in the file name) and, briefly, each verification thread's.
 */
async function keepProfile(profDir: string): Promise<BenchReport["profile"]> {
  const names = (await readdir(profDir)).filter((f) => f.endsWith(".cpuprofile")).sort();
  const threadOf = (name: string) => Number(name.split(".")[4]);
  const main = names.find((name) => threadOf(name) === 0);
  if (!main) return undefined;
  const stamp = Date.now();
  const keep = async (name: string, suffix: string) => {
    const file = join(tmpdir(), `frx-ingest-${stamp}${suffix}.cpuprofile`);
    await copyFile(join(profDir, name), file);
    return file;
  };
  const file = await keep(main, "");
  const threads = [];
  for (const name of names.filter((n) => n !== main)) {
    const threadFile = await keep(name, `-thread${threadOf(name)}`);
    const { sampledMs, idleMs, self } = await summarizeProfile(threadFile, 8);
    threads.push({ file: threadFile, sampledMs, idleMs, self });
  }
  return { file, ...(await summarizeProfile(file, 25)), threads };
}
