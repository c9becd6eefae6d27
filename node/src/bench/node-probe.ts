// What a bench node watches in itself beside its timers (instrument.ts): where its memory is
// when its resident size peaks, its garbage collections, and per GET request the time spent in
// the handler, the store records read and the collector's pauses meanwhile.
import { readFileSync } from "node:fs";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import type { FrxNode } from "../node.js";
import { countReads, totalRows, type StoreReads } from "../store/read-count.js";
import { LevelStore } from "../store/store.js";

const MB = 1048576;
const mb = (n: number) => Math.round((n / MB) * 10) / 10;

/** The process's memory at one instant, by part, in MB. */
export interface MemoryParts {
  rssMB: number;
  /** Anonymous (heaps, malloc) and file-backed (code, mapped libraries) resident pages. */
  rssAnonMB: number;
  rssFileMB: number;
  /** The main thread's V8 heap: committed, its young generation's share, and used. */
  heapTotalMB: number;
  newSpaceMB: number;
  heapUsedMB: number;
  /** Buffers and C++ objects tied to JS objects of the main thread. */
  externalMB: number;
  /** LevelDB's memtables and block cache, as it reports them. */
  levelMB: number;
  /** LevelDB's table files mapped into memory (/proc/self/smaps): how many, and their resident pages. */
  tableMaps: number;
  tableMapsMB: number;
  /** Everything else: the verification threads' heaps, malloc arenas, LevelDB's open tables, code. */
  otherMB: number;
}

/** One GET as the node saw it. */
export interface RequestProbe {
  path: string;
  ms: number;
  /** Store records read (points and scanned rows) while it ran. */
  rows: number;
  /** Time the main thread's collector spent in pauses that began while it ran. */
  gcMs: number;
  /**
   * The main thread's own time meanwhile, from the kernel (/proc/thread-self/schedstat): on a
   * core, and ready but waiting for one (other processes' load). The rest of `ms` it waited
   * for I/O or for the thread pool (level's iterators).
   */
  cpuMs: number;
  queuedMs: number;
}

export interface ProbeReport {
  /** What the node read between createNode and listening. */
  startReads: { gets: number; scans: number; rows: number; byAggregate: StoreReads["rows"] };
  /** The memory when the sampled RSS was highest (sampled every 100 ms and at each request). */
  peak: MemoryParts;
  gc: { count: number; totalMs: number; maxMs: number; over10ms: number };
  requests: RequestProbe[];
}

/** The calling thread's time on a core and waiting for one, in ns (zeros where /proc has none). */
function schedstat(): [number, number] {
  try {
    const [run, wait] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ");
    return [Number(run), Number(wait)];
  } catch {
    return [0, 0];
  }
}

function statusKB(status: string, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
}

/** The mapped LevelDB tables (.ldb) of this process, and their resident memory in bytes. */
function tableMappings(): { maps: number; rss: number } {
  let maps = 0;
  let rss = 0;
  let inTable = false;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      inTable = line.endsWith(".ldb");
      if (inTable) maps++;
    } else if (inTable && line.startsWith("Rss:")) rss += Number(line.split(/\s+/)[1]) * 1024;
  }
  return { maps, rss };
}

export function memoryParts(level: LevelStore | null, withMaps = false): MemoryParts {
  const m = process.memoryUsage();
  const status = readFileSync("/proc/self/status", "utf8");
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  const db = level?.db as unknown as { status: string; getProperty?(p: string): string };
  const levelBytes =
    db?.status === "open" ? Number(db.getProperty?.("leveldb.approximate-memory-usage") ?? 0) : 0;
  return {
    rssMB: mb(m.rss),
    rssAnonMB: mb(statusKB(status, "RssAnon")),
    rssFileMB: mb(statusKB(status, "RssFile")),
    heapTotalMB: mb(m.heapTotal),
    newSpaceMB: mb(newSpace?.space_size ?? 0),
    heapUsedMB: mb(m.heapUsed),
    externalMB: mb(m.external),
    levelMB: mb(levelBytes),
    ...(withMaps
      ? (({ maps, rss }) => ({ tableMaps: maps, tableMapsMB: mb(rss) }))(tableMappings())
      : { tableMaps: -1, tableMapsMB: -1 }),
    otherMB: mb(m.rss - m.heapTotal - m.external - levelBytes),
  };
}

/**
 * Starts counting the store's reads (before createNode, so the start's are counted) and
 * watching GC; `attach` then wraps the node's HTTP handler. Call `report` at the close.
 *
 * @example const probe = startProbe(store); const node = await createNode(…); probe.attach(node); probe.started()
 */
export function startProbe(store: LevelStore) {
  const reads = countReads(store);
  const gcs: Array<{ start: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ["gc"] });
  let peak = memoryParts(store);
  const sample = () => {
    const now = memoryParts(store);
    // Reading smaps costs a few milliseconds: only for a new peak at least 2 MB higher.
    if (now.rssMB > peak.rssMB + 2) peak = memoryParts(store, true);
  };
  const timer = setInterval(sample, 100);
  timer.unref();
  let startReads: ProbeReport["startReads"] | null = null;
  const requests: RequestProbe[] = [];
  return {
    /** Wraps the node's fetch handler (before `start`, which hands it to the server). */
    attach(node: FrxNode) {
      const fetch = node.app.fetch;
      node.app.fetch = async (request, ...rest) => {
        if (request.method !== "GET" || requests.length >= 5000) return fetch(request, ...rest);
        const rows = totalRows(reads);
        const [run0, wait0] = schedstat();
        const t0 = performance.now();
        const response = await fetch(request, ...rest);
        const t1 = performance.now();
        const [run1, wait1] = schedstat();
        const gcMs = gcs.filter((g) => g.start >= t0 && g.start < t1).reduce((a, g) => a + g.ms, 0);
        requests.push({
          path: new URL(request.url).pathname,
          ms: Math.round((t1 - t0) * 100) / 100,
          rows: totalRows(reads) - rows,
          gcMs: Math.round(gcMs * 100) / 100,
          cpuMs: Math.round((run1 - run0) / 1e4) / 100,
          queuedMs: Math.round((wait1 - wait0) / 1e4) / 100,
        });
        sample();
        return response;
      };
    },
    /** Marks the node listening: the reads so far are the start's. */
    started() {
      startReads = {
        gets: reads.gets,
        scans: reads.scans,
        rows: totalRows(reads),
        byAggregate: { ...reads.rows },
      };
    },
    report(): ProbeReport {
      clearInterval(timer);
      observer.disconnect();
      const ms = gcs.map((g) => g.ms);
      return {
        startReads: startReads ?? { gets: 0, scans: 0, rows: 0, byAggregate: {} },
        peak,
        gc: {
          count: ms.length,
          totalMs: Math.round(ms.reduce((a, b) => a + b, 0)),
          maxMs: Math.round(Math.max(0, ...ms) * 10) / 10,
          over10ms: ms.filter((x) => x > 10).length,
        },
        requests,
      };
    },
  };
}
