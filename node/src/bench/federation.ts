import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createSigner,
  draftTrustList,
  publicJwkOf,
  signTrustList,
  thumbprint,
  trustListDigest,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { generateNodeKeys, type NodeKeys } from "../config/keys.js";
import { Child } from "./children.js";
import { federationAgencies, signCrossBorder } from "./envelopes.js";
import type { FedLatencyJob, FedLatencyResult } from "./fed-load.js";
import type { FedNodeSetup, FedNodeStats, FedProgress } from "./fed-node.js";
import {
  checkDestination,
  checkOrigin,
  type DestinationCheck,
  type OriginCheck,
} from "./fed-verify.js";
import type { LoadResult } from "./load.js";
import { cpuSnapshot, machineShare, type MachineShare } from "./machine.js";
import { here, runLoad, START_MS, stopServer } from "./parent.js";
import { summarizeProfile, type ProfileSummary } from "./profile.js";

export interface FederationOptions {
  jwsBytes: number;
  /** Latency: warm-up and steady phase at `rate` per second, then bursts. */
  warmup: number;
  rate: number;
  steady: number;
  bursts: number;
  burstSize: number;
  burstConcurrency: number;
  /** Backlog: envelopes queued while B is down, posted with `backlogConcurrency` in flight. */
  backlog: number;
  backlogConcurrency: number;
  /** Upper bound of the backlog's queue phase, and of its drain, in ms. */
  queueLimitMs: number;
  drainLimitMs: number;
  /** The whole suite's bound, in ms: the drain is cut short so that the suite ends within it. */
  budgetMs: number;
  profile: boolean;
}

export interface FederationReport {
  options: FederationOptions;
  signMs: number;
  latency: {
    load: FedLatencyResult;
    machine: MachineShare;
    a: FedNodeStats;
    b: FedNodeStats;
  };
  backlog: {
    queue: LoadResult;
    queueMachine: MachineShare;
    /** A's figures over the queue phase (B down). */
    aQueue: FedNodeStats;
    /** From spawning B again until it listened. */
    bStartMs: number;
    /** From B listening until A's outbox for B was empty (or the limit). */
    drainMs: number;
    /** What the drain was allowed: drainLimitMs, or less to stay within budgetMs. */
    drainAllowedMs: number;
    drained: boolean;
    drainMachine: MachineShare;
    /** A's and B's figures over the drain. */
    aDrain: FedNodeStats;
    bDrain: FedNodeStats;
    destination: DestinationCheck;
    origin: OriginCheck;
    /** With --profile: A while B was down and A queued, A and B during the drain. */
    profiles?: Record<"aQueue" | "a" | "b", ProfileSummary & { file: string }>;
  };
}

const A = "TH";
const B = "LA";
const SENDER = "TH:DOE";
const RECIPIENT = "LA:MOLSW";
const POLL_MS = 100;
const ASK_MS = 30_000;
const CHECK_RESERVE_MS = 25_000;

/**
 * The federation suite: nodes TH (A) and LA (B) in their own processes on loopback, a signed
 * and pinned genesis trust list, TH:DOE posting case.notify envelopes to LA:MOLSW through A.
 * First cross-border latency (a load process posting to A and long-polling B's inbox), then
 * a backlog: B stops, A accepts `backlog` envelopes for it, B starts again and A's outbox
 * drains; both stores are then reopened and checked.
 */
export async function federationSuite(
  opts: FederationOptions,
  tmp: string,
): Promise<FederationReport> {
  const suiteStart = performance.now();
  const root = join(tmp, "federation");
  await mkdir(root, { recursive: true });
  const agencies = federationAgencies();
  const sender = agencies.TH.find((a) => a.registration.id === SENDER)!;
  const recipient = agencies.LA.find((a) => a.registration.id === RECIPIENT)!;

  // Everything is signed before any node runs, so signing costs no measured phase anything.
  const latencyCount = opts.warmup + opts.steady + opts.bursts * opts.burstSize;
  const signStart = performance.now();
  const latencyEnvelopes = signCrossBorder(sender, [RECIPIENT], latencyCount, opts.jwsBytes);
  const backlogEnvelopes = signCrossBorder(sender, [RECIPIENT], opts.backlog, opts.jwsBytes);
  const signMs = Math.round(performance.now() - signStart);
  progress(`signed ${latencyCount} + ${opts.backlog} cross-border envelopes in ${signMs} ms`);
  const latencyFile = join(root, "latency-envelopes.json");
  await writeFile(latencyFile, JSON.stringify(latencyEnvelopes));
  const backlogFile = join(root, "backlog-bodies.json");
  await writeFile(backlogFile, JSON.stringify(backlogEnvelopes.map((e) => e.jws)));

  const keys: Record<string, NodeKeys> = { [A]: generateNodeKeys(), [B]: generateNodeKeys() };
  const dirs: Record<string, string> = { [A]: join(root, A), [B]: join(root, B) };
  const boot = (cc: string, setup: Omit<FedNodeSetup, "country" | "dir" | "keys">) =>
    startNode(root, { country: cc, dir: dirs[cc]!, keys: keys[cc]!, ...setup });

  let b = await boot(B, {
    port: 0,
    agencies: agencies.LA.map((x) => x.registration),
    genesisDigest: null,
  });
  const a = await boot(A, {
    port: 0,
    agencies: agencies.TH.map((x) => x.registration),
    genesisDigest: null,
  });
  const { signed, digest } = genesis([
    { cc: A, keys: keys[A]!, url: `http://127.0.0.1:${a.port}` },
    { cc: B, keys: keys[B]!, url: `http://127.0.0.1:${b.port}` },
  ]);
  for (const node of [a, b]) await ask(node.child, { cmd: "trust", signed, digest });
  await ask(a.child, { cmd: "ensure", peer: B });

  // 1. Cross-border latency.
  progress(
    `cross-border latency: ${opts.warmup} warm-up + ${opts.steady} at ${opts.rate}/s, then ` +
      `${opts.bursts} bursts of ${opts.burstSize} (${opts.burstConcurrency} in flight)…`,
  );
  const aBefore = await stats(a.child);
  const bBefore = await stats(b.child);
  const latencyStart = cpuSnapshot();
  const job: FedLatencyJob = {
    originA: `http://127.0.0.1:${a.port}`,
    originB: `http://127.0.0.1:${b.port}`,
    nodeB: B,
    reader: { participant: RECIPIENT, privateJwk: recipient.privateJwk },
    bodiesFile: latencyFile,
    warmup: opts.warmup,
    rate: opts.rate,
    steady: opts.steady,
    bursts: opts.bursts,
    burstSize: opts.burstSize,
    burstConcurrency: opts.burstConcurrency,
    burstGapMs: 300,
    settleMs: 10_000,
  };
  const jobFile = join(root, "latency-job.json");
  await writeFile(jobFile, JSON.stringify(job), { mode: 0o600 });
  const loader = new Child("fed-load", here("fed-load.js"), [jobFile]);
  const expectedMs =
    ((opts.warmup + opts.steady) / opts.rate) * 1000 + opts.bursts * (job.settleMs + 1000);
  const load = await loader.next<FedLatencyResult>(expectedMs + 60_000);
  const loadCode = await loader.stop(15_000);
  if (loadCode !== 0) throw loader.failure(`exited with code ${loadCode}`);
  const aAfter = await stats(a.child);
  const bAfter = await stats(b.child);
  const latency = {
    load,
    machine: machineShare(
      latencyStart,
      load.cpuMs + aAfter.cpuMs - aBefore.cpuMs + bAfter.cpuMs - bBefore.cpuMs,
    ),
    a: delta(aAfter, aBefore),
    b: delta(bAfter, bBefore),
  };

  // 2. Backlog: B down, A queues, B back, A drains.
  const bPort = b.port;
  await stopServer<FedNodeStats>(b.child);
  progress(`backlog: B stopped; posting ${opts.backlog} envelopes for it to A…`);
  if (opts.profile) await ask(a.child, { cmd: "profile-start" });
  const aQueueBefore = await stats(a.child);
  const queueStart = cpuSnapshot();
  const queue = await runLoad(root, "backlog", {
    origin: `http://127.0.0.1:${a.port}`,
    path: "/v1/envelopes",
    contentType: "application/jose",
    bodiesFile: backlogFile,
    warmup: 0,
    count: opts.backlog,
    concurrency: opts.backlogConcurrency,
    timeLimitMs: opts.queueLimitMs,
  });
  const aQueueAfter = await stats(a.child);
  const queueProfile = opts.profile ? await keepProfile(a.child, "TH-queue") : undefined;
  const queueMachine = machineShare(
    queueStart,
    queue.cpuMs + aQueueAfter.cpuMs - aQueueBefore.cpuMs,
  );
  const created = queue.created.map((i) => backlogEnvelopes[i]!.id);
  progress(
    `backlog: A accepted ${created.length} in ${(queue.measured.elapsedMs / 1000).toFixed(1)} s ` +
      `(${queue.measured.perSec}/s); starting B…`,
  );

  const spawnAt = performance.now();
  b = await boot(B, { port: bPort, agencies: [], genesisDigest: digest });
  const listening = performance.now();
  // From here on B's CPU counts (its figures start when it listens).
  const drainStart = cpuSnapshot();
  // Leave time for stopping both nodes and reading both stores back.
  const drainAllowedMs = Math.max(
    10_000,
    Math.min(opts.drainLimitMs, suiteStart + opts.budgetMs - CHECK_RESERVE_MS - listening),
  );
  if (opts.profile) {
    await ask(a.child, { cmd: "profile-start" });
    await ask(b.child, { cmd: "profile-start" });
  }
  const aDrainBefore = await stats(a.child);
  let drained = false;
  let lastNote = listening;
  let now = listening;
  for (;;) {
    const state = await outbox(a.child);
    now = performance.now();
    if (!state.queued && !state.inFlight) {
      drained = true;
      break;
    }
    if (now - listening > drainAllowedMs) break;
    if (now - lastNote > 10_000) {
      lastNote = now;
      const bNow = await stats(b.child);
      progress(
        `  drain: ${((now - listening) / 1000).toFixed(0)} s, B has received ` +
          `${bNow.received.accepted + bNow.received.duplicate} of ${created.length}`,
      );
    }
    await sleep(POLL_MS);
  }
  const drainMs = now - listening;
  let profiles: FederationReport["backlog"]["profiles"];
  if (opts.profile)
    profiles = {
      aQueue: queueProfile!,
      a: await keepProfile(a.child, "TH"),
      b: await keepProfile(b.child, "LA"),
    };
  const aDrainAfter = await stats(a.child);
  const bDrain = await stopServer<FedNodeStats>(b.child);
  await stopServer<FedNodeStats>(a.child);
  const drainMachine = machineShare(
    drainStart,
    aDrainAfter.cpuMs - aDrainBefore.cpuMs + bDrain.cpuMs,
  );
  progress(
    `backlog: ${drained ? "drained" : "NOT drained"} in ${(drainMs / 1000).toFixed(1)} s; checking both stores…`,
  );

  const origin = await checkOrigin(dirs[A]!, B);
  return {
    options: opts,
    signMs,
    latency,
    backlog: {
      queue,
      queueMachine,
      aQueue: delta(aQueueAfter, aQueueBefore),
      bStartMs: Math.round(listening - spawnAt),
      drainMs: Math.round(drainMs),
      drainAllowedMs: Math.round(drainAllowedMs),
      drained,
      drainMachine,
      aDrain: delta(aDrainAfter, aDrainBefore),
      bDrain,
      destination: await checkDestination(dirs[B]!, RECIPIENT, created, origin.queuedIds),
      origin: origin.check,
      ...(profiles ? { profiles } : {}),
    },
  };
}

export interface Running {
  child: Child;
  port: number;
}

let setups = 0;

export async function startNode(
  root: string,
  setup: FedNodeSetup,
  nodeArgs: string[] = [],
): Promise<Running> {
  const file = join(root, `setup-${setup.country}-${++setups}.json`);
  await writeFile(file, JSON.stringify(setup), { mode: 0o600 });
  const child = new Child(`fed-node-${setup.country}`, here("fed-node.js"), [file], nodeArgs);
  const { port } = await child.next<{ port: number }>(START_MS);
  return { child, port };
}

export async function ask<T = unknown>(
  child: Child,
  command: object,
  timeoutMs = ASK_MS,
): Promise<T> {
  const answer = await child.ask<T & { error?: string }>(command, timeoutMs);
  if (answer.error)
    throw child.failure(`refused ${JSON.stringify(command).slice(0, 80)}: ${answer.error}`);
  return answer;
}

function outbox(child: Child): Promise<FedProgress> {
  return ask<FedProgress>(child, { cmd: "outbox", peer: B });
}

function stats(child: Child): Promise<FedNodeStats> {
  return ask<FedNodeStats>(child, { cmd: "stats" });
}

/** The genesis list: both nodes members, signed by both; its digest is what each node pins. */
export function genesis(members: Array<{ cc: string; keys: NodeKeys; url: string }>): {
  signed: SignedTrustList;
  digest: string;
} {
  const now = Date.now();
  const list: Types.TrustList = {
    frx: "1",
    version: 1,
    issuedAt: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(now + 365 * 86_400_000).toISOString(),
    quorum: members.length,
    members: members.map((m) => memberEntry(m.cc, m.keys, m.url)),
  };
  const signed = members.reduce(
    (s, m) => signTrustList(s, createSigner(m.keys.signing)),
    draftTrustList(list),
  );
  return { signed, digest: trustListDigest(signed) };
}

function memberEntry(cc: string, keys: NodeKeys, url: string): Types.TrustListMember {
  const sig = publicJwkOf(keys.signing);
  return {
    node: cc,
    name: `FRX bench node ${cc}`,
    endpoint: `${url}/federation/v1`,
    signingKeys: [
      {
        jwk: { kty: "OKP", crv: "Ed25519", x: sig.x, kid: sig.kid!, use: "sig" },
        status: "current",
        notBefore: new Date(Date.now() - 120_000).toISOString(),
      },
    ],
    encryptionKey: {
      kty: "OKP",
      crv: "X25519",
      x: keys.encryption.x,
      kid: thumbprint(keys.encryption),
      use: "enc",
    },
    status: "active",
  };
}

/** A node's figures between two snapshots. */
function delta(after: FedNodeStats, before: FedNodeStats): FedNodeStats {
  const sub = <T extends object>(x: T, y: T): T =>
    Object.fromEntries(
      Object.entries(x).map(([k, v]) => {
        const w = (y as Record<string, unknown>)[k];
        if (typeof v === "number")
          return [k, k.startsWith("max") || k.endsWith("MaxMs") ? v : v - ((w as number) ?? 0)];
        if (v && typeof v === "object") return [k, sub(v as object, (w ?? {}) as object)];
        return [k, v];
      }),
    ) as T;
  return sub(after, before);
}

/** Stops a node's profiler, keeps the profile outside the temp folder (which is removed), and ranks it. */
async function keepProfile(child: Child, cc: string): Promise<ProfileSummary & { file: string }> {
  const file = join(tmpdir(), `frx-federation-${cc}-${Date.now()}.cpuprofile`);
  await ask(child, { cmd: "profile-stop", file });
  return { file, ...(await summarizeProfile(file, 25)) };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
