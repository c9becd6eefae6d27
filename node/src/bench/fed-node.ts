// A bench child: one national node of a federation, on a file-backed, fsynced store, listening
// on loopback (a given port, so a restarted node keeps the endpoint the trust list names).
// Usage: node fed-node.js SETUP.json. Prints {port}, then answers one JSON line per command
// line on stdin (see FedCommand); when its stdin closes it closes the node cleanly, prints its
// FedNodeStats and exits.
import { createHash } from "node:crypto";
import { provideKeyFile } from "../privacy/data-keys.js";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import {
  constants,
  performance,
  PerformanceObserver,
  type PerformanceEntry,
} from "node:perf_hooks";
import type { SignedTrustList } from "@frx/spec";
import { registerParticipant, type ParticipantRegistration } from "../admin/participants.js";
import { defaultConfig, type FederationConfig } from "../config/config.js";
import type { NodeKeys } from "../config/keys.js";
import { flightRange } from "../federation/outbox-store.js";
import { createNode } from "../node.js";
import type { Logger } from "../runtime/logger.js";
import { answer, cpuMs, onCommand, onParentGone } from "./children.js";
import { emptyTimes, instrumentNode, type NodeTimes } from "./instrument.js";

/** What the parent hands a federation node. */
export interface FedNodeSetup {
  country: string;
  dir: string;
  keys: NodeKeys;
  /** 0 on first boot; the port of the first boot on a restart. */
  port: number;
  /** Registered before listening (on first boot; empty on a restart). */
  agencies: ParticipantRegistration[];
  /** Pinned on a restart; on first boot the `trust` command pins it. */
  genesisDigest: string | null;
  /** Settings other than the defaults (tests: a small batch, a short backoff). */
  federation?: Partial<
    Pick<FederationConfig, "window" | "batchSize" | "backoffBaseMs" | "backoffCapMs">
  >;
  /** Raises the node's limits on an upload and on a file from a peer to this (attachment bench). */
  attachmentBytes?: number;
}

export type FedCommand =
  /** Pins the genesis digest and applies the signed genesis list: answers {version}. */
  | { cmd: "trust"; signed: SignedTrustList; digest: string }
  /** Fetches (or finds cached) a peer's directory: answers {participants}. */
  | { cmd: "ensure"; peer: string }
  /** Whether anything is queued or in flight for a peer (cheap: polled): answers FedProgress. */
  | { cmd: "outbox"; peer: string }
  /** The figures so far: answers FedNodeStats. */
  | { cmd: "stats" }
  /** Starts the in-process CPU profiler: answers {profiling: true}. */
  | { cmd: "profile-start" }
  /** Stops it and writes the profile to `file`: answers {file}. */
  | { cmd: "profile-stop"; file: string }
  /** Answers {stored: true} once the message `id` is in the store (polled), or an error. */
  | { cmd: "await-message"; id: string; timeoutMs: number }
  /** The SHA-256 of a stored attachment as the node reads it back: answers {sha256}. */
  | { cmd: "digest"; sha256: string }
  /** Collects garbage and starts sampling RSS: answers {rssMB}. */
  | { cmd: "rss-start" }
  /** Stops sampling: answers RssGrowth. */
  | { cmd: "rss-stop" };

/** The process's peak RSS since `rss-start` minus its RSS then, in MiB. */
export interface RssGrowth {
  growthMB: number;
  /** Garbage collections during the span, by kind: how many, and their time in ms. */
  gc: Record<string, { count: number; ms: number }>;
}

export interface FedProgress {
  queued: boolean;
  inFlight: boolean;
  /** Transactions in flight to the peer (at most the window, or what a restart resumed). */
  flights: number;
}

export interface FedNodeStats extends NodeTimes {
  closed?: true;
  /** CPU time the process used since listening. */
  cpuMs: number;
  /** Envelopes from peers (ingest.receiveAll), by outcome, and the time from a transaction's start to its envelopes on disk, summed. */
  received: { accepted: number; duplicate: number; rejected: number; ms: number };
  /** HTTP calls to peers (transactions, directory, wakes): answered 200, answered otherwise, no answer. */
  peerCalls: { ok: number; refused: number; unreachable: number; ms: number; maxMs: number };
  /** Log events by name (warnings and errors go to stderr too, the first few of each). */
  events: Record<string, number>;
}

const setup = JSON.parse(await readFile(process.argv[2]!, "utf8")) as FedNodeSetup;
const stats: FedNodeStats = {
  cpuMs: 0,
  ...emptyTimes(),
  received: { accepted: 0, duplicate: 0, rejected: 0, ms: 0 },
  peerCalls: { ok: 0, refused: 0, unreachable: 0, ms: 0, maxMs: 0 },
  events: {},
};
const config = defaultConfig(setup.country, { host: "127.0.0.1", port: setup.port, sync: true });
config.federation = { ...config.federation, ...setup.federation };
config.federation.genesisDigest = setup.genesisDigest;
if (setup.attachmentBytes !== undefined) {
  config.limits.attachmentBytes = Math.max(config.limits.attachmentBytes, setup.attachmentBytes);
  config.federation.attachmentBytes = Math.max(
    config.federation.attachmentBytes,
    setup.attachmentBytes,
  );
}
// The data key file goes into the node's folder, which nothing has made yet on a first boot.
await mkdir(setup.dir, { recursive: true });
await provideKeyFile(setup.dir, config);
const node = await createNode({
  config,
  keys: setup.keys,
  dir: setup.dir,
  logger: countingLogger(),
});
for (const agency of setup.agencies) await registerParticipant(node.ctx, agency);
instrumentNode(node, stats);
instrumentFederation();

const { port } = await node.start();
const cpuAtListen = process.cpuUsage();
let profiler: Session | null = null;
const rss = rssSampler();
answer({ port, pid: process.pid });

onCommand(async (command) => {
  const c = command as FedCommand;
  switch (c.cmd) {
    case "trust": {
      config.federation.genesisDigest = c.digest;
      const applied = await node.applyTrustList(c.signed);
      return { version: applied.list.version };
    }
    case "ensure": {
      const directory = await node.ctx.peers.ensure(c.peer);
      if (!directory) throw new Error(`${c.peer}'s directory could not be fetched`);
      return { participants: directory.participants.length };
    }
    case "outbox": {
      const { store } = node.ctx;
      const head = await store.range("outbox", {
        gte: `q!${c.peer}!`,
        lt: `q!${c.peer}!~`,
        limit: 1,
      });
      const flights = await store.range("outbox", flightRange(c.peer));
      return {
        queued: head.length > 0,
        inFlight: flights.length > 0,
        flights: flights.length,
      } satisfies FedProgress;
    }
    case "stats": {
      return snapshot();
    }
    case "profile-start": {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
      return { profiling: true };
    }
    case "profile-stop": {
      if (!profiler) throw new Error("the profiler is not running");
      const { profile } = await profiler.post("Profiler.stop");
      profiler.disconnect();
      profiler = null;
      await writeFile(c.file, JSON.stringify(profile));
      return { file: c.file };
    }
    case "await-message": {
      const until = performance.now() + c.timeoutMs;
      while (!(await node.ctx.store.get("messages", c.id))) {
        if (performance.now() > until) throw new Error(`${c.id} not stored in ${c.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return { stored: true };
    }
    case "digest": {
      const blob = await node.ctx.attachments.get(c.sha256);
      if (!blob) return { sha256: null };
      const hash = createHash("sha256");
      for await (const chunk of blob.stream() as unknown as AsyncIterable<Uint8Array>)
        hash.update(chunk);
      return { sha256: hash.digest("hex") };
    }
    case "rss-start":
      return { rssMB: rss.start() };
    case "rss-stop":
      return rss.stop();
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}`);
  }
});

onParentGone(async () => {
  await node.close();
  answer({ ...snapshot(), closed: true });
});

/**
 * Peak RSS over a span: sampled every 100 ms (each sample costs the node CPU), and the kernel's
 * high-water mark when it rose; and the garbage collections in it, by kind.
 */
function rssSampler() {
  let before = 0;
  let maxBefore = 0;
  let peak = 0;
  let timer: NodeJS.Timeout | undefined;
  let gc: Record<string, { count: number; ms: number }> = {};
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
  };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = kinds[detail?.kind ?? -1] ?? "other";
      const k = (gc[kind] ??= { count: 0, ms: 0 });
      k.count++;
      k.ms = Math.round((k.ms + entry.duration) * 10) / 10;
    }
  });
  return {
    start(): number {
      (globalThis as { gc?: () => void }).gc?.();
      before = peak = process.memoryUsage.rss();
      maxBefore = process.resourceUsage().maxRSS * 1024;
      timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
      gc = {};
      observer.observe({ entryTypes: ["gc"] });
      return Math.round(before / 1024 / 1024);
    },
    stop(): RssGrowth {
      clearInterval(timer);
      observer.disconnect();
      const maxAfter = process.resourceUsage().maxRSS * 1024;
      if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
      return { growthMB: Math.round(((peak - before) / 1024 / 1024) * 100) / 100, gc };
    },
  };
}

function snapshot(): FedNodeStats {
  return structuredClone({ ...stats, cpuMs: cpuMs(cpuAtListen) });
}

/** Counts the outcomes of received envelopes (ingest.receiveAll) and peer calls. */
function instrumentFederation(): void {
  const { ingest, ctx } = node;
  const receiveAll = ingest.receiveAll.bind(ingest);
  ingest.receiveAll = async (jwss, origin) => {
    const t0 = performance.now();
    const { outcomes, written } = await receiveAll(jwss, origin);
    return {
      outcomes,
      written: written.finally(() => {
        for (const r of outcomes) {
          if (r instanceof Error) stats.received.rejected++;
          else stats.received[r.status]++;
        }
        stats.received.ms += performance.now() - t0;
      }),
    };
  };
  const client = ctx.peerClient;
  const call = client.call.bind(client);
  client.call = async (...args) => {
    const t0 = performance.now();
    try {
      const res = await call(...args);
      if (res.status === 200) stats.peerCalls.ok++;
      else stats.peerCalls.refused++;
      return res;
    } catch (error) {
      stats.peerCalls.unreachable++;
      throw error;
    } finally {
      const ms = performance.now() - t0;
      stats.peerCalls.ms += ms;
      stats.peerCalls.maxMs = Math.max(stats.peerCalls.maxMs, ms);
    }
  };
}

/** A logger that counts events and passes the first few warnings and errors of each to stderr. */
function countingLogger(): Logger {
  const log =
    (level: string) =>
    (event: string, fields: Record<string, unknown> = {}) => {
      const n = (stats.events[event] = (stats.events[event] ?? 0) + 1);
      if (level !== "info" && n <= 3)
        process.stderr.write(
          JSON.stringify({
            t: new Date().toISOString(),
            level,
            event,
            node: setup.country,
            ...fields,
          }) + "\n",
        );
    };
  return { info: log("info"), warn: log("warn"), error: log("error") };
}
