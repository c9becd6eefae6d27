// A bench child: the load generator, in its own process so it does not share an event loop
// with the server it measures. Usage: node load.js JOB.json. Posts a warmup, then the
// measured requests, with a fixed number in flight over keep-alive connections; prints one
// LoadResult and exits.
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { answer, cpuMs } from "./children.js";
import { summarize, type LatencySummary } from "./stats.js";

export interface LoadJob {
  origin: string;
  path: string;
  contentType: string;
  /** A JSON array of request bodies; request i posts body i (modulo the array's length). */
  bodiesFile: string;
  warmup: number;
  count: number;
  concurrency: number;
  /** The measured phase stops starting requests after this long (the warmup after half). */
  timeLimitMs: number;
}

export interface PhaseResult extends LatencySummary {
  requests: number;
  elapsedMs: number;
  perSec: number;
  statuses: Record<string, number>;
  /** Requests that got no HTTP answer at all. */
  networkErrors: number;
  firstError?: string;
}

export interface LoadResult {
  warmup: PhaseResult;
  measured: PhaseResult;
  /** Indices of the bodies that were answered 201 Created, in either phase. */
  created: number[];
  /** CPU time the load generator used, both phases. */
  cpuMs: number;
}

const job = JSON.parse(await readFile(process.argv[2]!, "utf8")) as LoadJob;
const bodies = JSON.parse(await readFile(job.bodiesFile, "utf8")) as string[];
const pool = new Pool(job.origin, {
  connections: job.concurrency,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
});
const created: number[] = [];
let finished = false;
// The parent keeps stdin open until it has the result; if it goes away first, so does the load.
process.stdin
  .on("end", () => {
    if (!finished) process.exit(1);
  })
  .resume();

try {
  const cpuAtStart = process.cpuUsage();
  const warmup = await phase(0, job.warmup, job.timeLimitMs / 2);
  const measured = await phase(job.warmup, job.count, job.timeLimitMs);
  answer({ warmup, measured, created, cpuMs: cpuMs(cpuAtStart) } satisfies LoadResult);
  finished = true;
} finally {
  await pool.close();
}

/** Posts bodies [start, start + n) with `concurrency` requests in flight, until done or out of time. */
async function phase(start: number, n: number, limitMs: number): Promise<PhaseResult> {
  const latencies = new Float64Array(n);
  const statuses: Record<string, number> = {};
  let answered = 0;
  let networkErrors = 0;
  let firstError: string | undefined;
  let next = start;
  const end = start + n;
  const t0 = performance.now();
  const deadline = t0 + limitMs;

  const worker = async (): Promise<void> => {
    while (next < end && performance.now() < deadline) {
      const i = next++;
      const sent = performance.now();
      try {
        const res = await pool.request({
          path: job.path,
          method: "POST",
          headers: { "content-type": job.contentType },
          body: bodies[i % bodies.length]!,
        });
        const text = await res.body.text();
        latencies[answered++] = performance.now() - sent;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 201) created.push(i);
        else if (res.statusCode >= 300) firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
      } catch (error) {
        networkErrors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  return {
    requests: answered + networkErrors,
    elapsedMs: round(elapsedMs),
    perSec: round((answered / elapsedMs) * 1000),
    statuses,
    networkErrors,
    ...(firstError ? { firstError } : {}),
    ...summarize(latencies.subarray(0, answered)),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
