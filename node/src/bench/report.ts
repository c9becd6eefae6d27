import type { DurabilityReport } from "./durability.js";
import type { LoadResult, PhaseResult } from "./load.js";
import type { MachineShare } from "./machine.js";
import type { NodeServerStats } from "./node-server.js";
import type { ProfileSummary } from "./profile.js";

/** Other processes using more than this share of the machine make a phase's figures suspect. */
const NOISY_PCT = 10;
const TARGET_RATIO = 0.5;

export interface ServerRun {
  load: LoadResult;
  serverCpuMs: number;
  machine: MachineShare;
}

export interface BenchReport {
  concurrency: number;
  jws: { signMs: number; mean: number; min: number; max: number };
  echo: ServerRun;
  frx: ServerRun;
  node: NodeServerStats;
  durability: DurabilityReport;
  profile?: (ProfileSummary & { file: string; threads: ThreadProfile[] }) | undefined;
}

/** A verification thread's profile, in brief. */
export interface ThreadProfile {
  file: string;
  sampledMs: number;
  idleMs: number;
  self: ProfileSummary["self"];
}

/** The JSON lines `npm run bench` prints, the headline first. */
export function reportLines(r: BenchReport): object[] {
  const m = r.frx.load.measured;
  const e = r.echo.load.measured;
  const lines: object[] = [
    {
      bench: "ingest",
      envelopes: m.requests,
      jwsBytes: r.jws.mean,
      concurrency: r.concurrency,
      frxPerSec: m.perSec,
      echoPerSec: e.perSec,
      ratio: ratio(r),
      p50ms: m.p50Ms,
      p99ms: m.p99Ms,
      echoP50ms: e.p50Ms,
      echoP99ms: e.p99Ms,
      errors: failures(m),
      echoErrors: failures(e),
      stored: r.durability.stored,
      lost: r.durability.lost,
      ...(r.profile ? { profiled: true } : {}),
    },
    {
      bench: "ingest-latency",
      frx: phase(m),
      echo: phase(e),
      frxStatuses: m.statuses,
      echoStatuses: e.statuses,
      ...(m.firstError ? { firstError: m.firstError } : {}),
      ...(e.firstError ? { echoFirstError: e.firstError } : {}),
    },
    {
      bench: "ingest-durability",
      receipted: r.durability.receipted,
      stored: r.durability.stored,
      lost: r.durability.lost,
      messagesInStore: r.durability.messagesInStore,
      warmupCreated: r.frx.load.warmup.statuses["201"] ?? 0,
    },
    {
      bench: "ingest-node-time",
      submits: r.node.submits,
      submitMeanMs: round(r.node.submitMs / Math.max(1, r.node.submits), 3),
      serialMeanMs: round(r.node.serialMs / Math.max(1, r.node.serialTasks), 3),
      batches: r.node.batches,
      envelopesPerBatch: round(r.node.batchEnvelopes / Math.max(1, r.node.batches), 2),
      opsPerEnvelope: round(r.node.batchOps / Math.max(1, r.node.batchEnvelopes), 2),
      batchMeanMs: round(r.node.batchMs / Math.max(1, r.node.batches), 3),
      batchMaxMs: round(r.node.batchMaxMs, 1),
    },
    {
      bench: "ingest-cpu",
      frxServerCpuMsPerRequest: perRequest(r.frx),
      echoServerCpuMsPerRequest: perRequest(r.echo),
      // Less sensitive to other load on the machine than the throughput ratio.
      cpuRatio: round(perRequest(r.echo) / Math.max(1e-9, perRequest(r.frx)), 3),
      frxLoadCpuMs: r.frx.load.cpuMs,
      echoLoadCpuMs: r.echo.load.cpuMs,
      frxMachine: r.frx.machine,
      echoMachine: r.echo.machine,
    },
  ];
  if (r.profile) lines.push({ bench: "ingest-profile", ...r.profile });
  return lines;
}

/** The summary for people, on stderr. */
export function reportText(r: BenchReport): string {
  const m = r.frx.load.measured;
  const e = r.echo.load.measured;
  const n = r.node;
  const x = ratio(r);
  const lines = [
    "",
    `FRX ingest: ${m.requests} distinct envelopes of ${r.jws.mean} B, ${r.concurrency} in flight, every batch fsynced`,
    `  FRX   ${fixed(m.perSec)} /s   p50 ${m.p50Ms} ms   p99 ${m.p99Ms} ms   errors ${failures(m)}   server CPU ${perRequest(r.frx)} ms/request`,
    `  echo  ${fixed(e.perSec)} /s   p50 ${e.p50Ms} ms   p99 ${e.p99Ms} ms   errors ${failures(e)}   server CPU ${perRequest(r.echo)} ms/request`,
    `  ratio ${x}: target ≥ ${TARGET_RATIO} ${x >= TARGET_RATIO ? "met" : "NOT met"}`,
    `  durability: ${r.durability.stored} of ${r.durability.receipted} receipted envelopes found after reopening the store; ${r.durability.lost} lost`,
    `  node: ${n.batches} synced batches of ${round(n.batchEnvelopes / Math.max(1, n.batches), 1)} envelopes, ` +
      `${round(n.batchMs / Math.max(1, n.batches), 2)} ms each; serial section ` +
      `${round(n.serialMs / Math.max(1, n.serialTasks), 2)} ms per envelope`,
  ];
  for (const [name, run] of [
    ["echo", r.echo],
    ["FRX", r.frx],
  ] as const) {
    if (run.machine.otherPct > NOISY_PCT)
      lines.push(
        `  warning: other processes used ${run.machine.otherPct}% of the machine during the ${name} phase; its figures are unreliable`,
      );
  }
  if (r.profile) {
    const p = r.profile;
    lines.push(`  profile ${p.file}: ${p.sampledMs - p.idleMs} ms busy of ${p.sampledMs} ms`);
    for (const entry of p.self.slice(0, 12))
      lines.push(`    self ${String(entry.pct).padStart(5)}%  ${entry.fn}`);
    for (const t of p.threads)
      lines.push(`  thread profile ${t.file}: ${round(t.sampledMs - t.idleMs, 0)} ms busy`);
  }
  return lines.join("\n") + "\n";
}

function ratio(r: BenchReport): number {
  return round(r.frx.load.measured.perSec / Math.max(1e-9, r.echo.load.measured.perSec), 3);
}

/** Answers other than 200/201, and requests that got no answer. */
function failures(p: PhaseResult): number {
  const ok = (p.statuses["200"] ?? 0) + (p.statuses["201"] ?? 0);
  return p.requests - ok;
}

/** Server CPU per request over both phases (warmup included). */
function perRequest(run: ServerRun): number {
  const requests = run.load.warmup.requests + run.load.measured.requests;
  return round(run.serverCpuMs / Math.max(1, requests), 3);
}

function phase(p: PhaseResult) {
  const { requests, elapsedMs, perSec, p50Ms, p90Ms, p99Ms, maxMs, meanMs } = p;
  return { requests, elapsedMs, perSec, p50Ms, p90Ms, p99Ms, maxMs, meanMs };
}

function fixed(x: number): string {
  return x.toFixed(0).padStart(6);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
