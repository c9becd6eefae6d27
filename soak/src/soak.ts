import { Cluster, NODE_FLAGS } from "./cluster.js";
import type { NodeStats } from "./node-process.js";
import { drift, percentile, type Drift } from "./stats.js";
import { Traffic } from "./traffic.js";

export interface SoakOptions {
  minutes: number;
  /** The steady rate as a fraction of the capacity measured first (default 0.5). */
  fraction?: number;
  capacitySeconds?: number;
  /** Minutes at the same rate before the measured run, not counted in its drift (default 0). */
  warmupMinutes?: number;
  sampleMs?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

export interface SoakResult {
  minutes: number;
  /** glibc malloc arenas the nodes ran with (the soak sets 2 unless the environment says otherwise) */
  mallocArenaMax: string;
  /** V8 flags the nodes ran with. */
  nodeFlags: string[];
  fraction: number;
  capacityPerSecond: number;
  ratePerSecond: number;
  ops: number;
  expected: number;
  deliveries: number;
  lost: number;
  /** The first lost (envelope, recipient) pairs, with what sent them and when. */
  lostExamples: string[];
  duplicated: number;
  filesVerified: number;
  filesBad: number;
  refused: Record<string, number>;
  failedSends: number;
  readerErrors: number;
  skippedTicks: number;
  crashes: number;
  /** Restarts or stops that failed (a node that would not come back). */
  eventFailures: number;
  restarts: number;
  outages: number;
  samples: number;
  /** The node never restarted, whose process is measured for drift. */
  measuredNode: string;
  rssMB: Drift;
  heapMB: Drift;
  /** V8 heap reserved, Buffers, and the rest of RSS (native: LevelDB, libuv, code, malloc). */
  heapTotalMB: Drift;
  externalMB: Drift;
  nativeMB: Drift;
  handles: Drift;
  fds: Drift;
  storeMB: Drift;
  p50ms: Drift;
  p99ms: Drift;
  warmupMinutes: number;
  /** The same figures from the first sample of the warm-up (equal to the above without one). */
  fromStart: { rssMB: Drift; heapMB: Drift; handles: Drift; p99ms: Drift };
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Three nodes in their own processes; the capacity of the mix is measured closed-loop, then the
 * load runs open-loop at `fraction` of it for `minutes`, while LA restarts at a quarter, half and
 * three quarters of the run and KH is down from 35 % to 45 %. Every `sampleMs` the TH node's
 * memory (after a full GC), handles and store size and the window's latencies are sampled.
 * Then the load stops, the federation drains and every receipted envelope is looked for.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const fraction = o.fraction ?? 0.5;
  const sampleMs = o.sampleMs ?? 5000;
  const say = o.progress ?? (() => undefined);
  const cluster = await Cluster.start(["TH", "LA", "KH"]);
  const traffic = new Traffic(cluster);
  try {
    traffic.startReaders();
    const capacity = await measureCapacity(traffic, o.capacitySeconds ?? 20);
    const rate = capacity * fraction;
    say(`node logs in ${cluster.logDir}`);
    say(
      `capacity ${capacity.toFixed(1)} ops/s; running at ${rate.toFixed(1)} ops/s for ${o.minutes} min`,
    );
    const durationMs = o.minutes * 60_000;
    const warmupMs = (o.warmupMinutes ?? 0) * 60_000;
    if (warmupMs > 0) say(`warming up for ${o.warmupMinutes} min (not counted in the drift)`);
    let restarts = 0;
    let outages = 0;
    const restart = (cc: string) => () => cluster.restart(cc).then(() => void restarts++);
    const events = [
      { at: 0.25, run: restart("LA") },
      { at: 0.35, run: () => cluster.stop("KH").then(() => void outages++) },
      { at: 0.45, run: restart("KH") },
      { at: 0.5, run: restart("LA") },
      { at: 0.75, run: restart("LA") },
    ];
    const series: { stats: NodeStats[]; p50: number[]; p99: number[] } = {
      stats: [],
      p50: [],
      p99: [],
    };
    const all: typeof series = { stats: [], p50: [], p99: [] };
    const inFlight = new Set<Promise<void>>();
    let skippedTicks = 0;
    let eventFailures = 0;
    let due = 0;
    const start = Date.now();
    let lastTick = start;
    let nextSample = start + sampleMs;
    let windowStart = traffic.latencies.length;
    // Events run one after another, never overlapping, whatever the length of the run.
    let eventChain = Promise.resolve();
    while (Date.now() - start < warmupMs + durationMs) {
      const elapsed = Date.now() - start - warmupMs;
      while (events.length > 0 && elapsed >= events[0]!.at * durationMs) {
        const e = events.shift()!;
        eventChain = eventChain.then(e.run).catch((error: unknown) => {
          eventFailures++;
          say(`event failed: ${String(error)}`);
        });
      }
      // By the time that passed, not the 20 ms asked for: a loaded machine sleeps longer.
      const now = Date.now();
      due += (rate * (now - lastTick)) / 1000;
      lastTick = now;
      for (; due >= 1; due--) {
        if (inFlight.size >= 256) {
          skippedTicks++;
          continue;
        }
        const p: Promise<void> = traffic.run().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (Date.now() >= nextSample) {
        nextSample += sampleMs;
        const window = traffic.latencies.slice(windowStart);
        windowStart = traffic.latencies.length;
        const sample = {
          p50: percentile(window, 50),
          p99: percentile(window, 99),
          stats: await cluster.stats("TH"),
        };
        for (const into of elapsed >= 0 ? [series, all] : [all]) {
          into.p50.push(sample.p50);
          into.p99.push(sample.p99);
          into.stats.push(sample.stats);
        }
        say(
          `${elapsed < 0 ? "warm-up, " : ""}${Math.round(elapsed / 1000)} s: ${traffic.ops} ops, p99 ${Number.isFinite(sample.p99) ? `${sample.p99.toFixed(0)} ms` : "n/a (none completed)"}, TH rss ${(sample.stats.rss / MB).toFixed(0)} MB, heap ${(sample.stats.heapUsed / MB).toFixed(0)} MB, not yet read ${traffic.tracker.lost()}`,
        );
      }
      await sleep(20);
    }
    await Promise.all(inFlight);
    await eventChain;
    for (const cc of ["LA", "KH"]) if (!cluster.isUp(cc)) await cluster.restart(cc);
    say("load stopped; draining");
    const drainUntil = Date.now() + 180_000;
    while (traffic.tracker.lost() > 0 && Date.now() < drainUntil) await sleep(1000);
    await sleep(3000); // late duplicates would show now
    await traffic.stopReaders();
    const col = (f: (s: NodeStats) => number) => series.stats.map(f);
    return {
      minutes: o.minutes,
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? "2",
      nodeFlags: NODE_FLAGS,
      fraction,
      capacityPerSecond: Math.round(capacity * 10) / 10,
      ratePerSecond: Math.round(rate * 10) / 10,
      ops: traffic.ops,
      expected: traffic.tracker.expectedCount,
      deliveries: traffic.tracker.deliveries,
      lost: traffic.tracker.lost(),
      lostExamples: traffic.tracker.lostExamples(),
      duplicated: traffic.tracker.duplicated(),
      filesVerified: traffic.filesVerified,
      filesBad: traffic.filesBad,
      refused: Object.fromEntries(traffic.refused),
      failedSends: traffic.failedSends,
      readerErrors: traffic.consumerErrors,
      skippedTicks,
      crashes: cluster.crashes,
      eventFailures,
      restarts,
      outages,
      samples: series.stats.length,
      measuredNode: "TH",
      rssMB: drift(col((s) => s.rss / MB)),
      heapMB: drift(col((s) => s.heapUsed / MB)),
      heapTotalMB: drift(col((s) => s.heapTotal / MB)),
      externalMB: drift(col((s) => s.external / MB)),
      nativeMB: drift(col((s) => (s.rss - s.heapTotal - s.external) / MB)),
      handles: drift(col((s) => s.handles)),
      fds: drift(col((s) => s.fds)),
      storeMB: drift(col((s) => s.storeBytes / MB)),
      p50ms: drift(series.p50),
      p99ms: drift(series.p99),
      warmupMinutes: o.warmupMinutes ?? 0,
      fromStart: {
        rssMB: drift(all.stats.map((x) => x.rss / MB)),
        heapMB: drift(all.stats.map((x) => x.heapUsed / MB)),
        handles: drift(all.stats.map((x) => x.handles)),
        p99ms: drift(all.p99),
      },
    };
  } finally {
    await traffic.stopReaders().catch(() => undefined);
    await traffic.close();
    await cluster.close();
  }
}

/** Closed loop, 8 at a time, for `seconds`: completed operations per second. */
async function measureCapacity(traffic: Traffic, seconds: number): Promise<number> {
  const before = traffic.ops;
  const until = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < until) await traffic.run();
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 8 }, worker));
  return (traffic.ops - before) / ((Date.now() - t0) / 1000);
}
