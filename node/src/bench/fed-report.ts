import type { FedPhase } from "./fed-load.js";
import type { FedNodeStats } from "./fed-node.js";
import type { FederationReport } from "./federation.js";
import type { MachineShare } from "./machine.js";

/** Other processes using more than this share of the machine make a phase's figures suspect. */
const NOISY_PCT = 10;
const LATENCY_TARGET_P99_MS = 50;
const BACKLOG_TARGET = 50_000;

/** The JSON lines of the federation suite, the two headlines first. */
export function federationLines(r: FederationReport): object[] {
  const l = r.latency.load;
  const q = r.backlog.queue.measured;
  const d = r.backlog.destination;
  const drainSeconds = r.backlog.drainMs / 1000;
  const delivered = d.once + d.duplicates;
  const lines: object[] = [
    {
      bench: "federation-latency",
      envelopes: l.measured.created,
      p50ms: l.measured.p50Ms,
      p99ms: l.measured.p99Ms,
      // What the path sustains: arrivals per second while bursts were queued at A.
      throughputPerSec: l.burst.perSec,
      lost: l.measured.lost,
      duplicates: l.measured.duplicates,
      steady: {
        envelopes: l.steady.created,
        ratePerSec: r.options.rate,
        p50ms: l.steady.p50Ms,
        p99ms: l.steady.p99Ms,
        maxms: l.steady.maxMs,
      },
      burst: {
        envelopes: l.burst.created,
        bursts: r.options.bursts,
        size: r.options.burstSize,
        inFlight: r.options.burstConcurrency,
        p50ms: l.burst.p50Ms,
        p99ms: l.burst.p99Ms,
        maxms: l.burst.maxMs,
      },
      otherPct: r.latency.machine.otherPct,
    },
    {
      bench: "federation-backlog",
      envelopes: d.expected,
      ...(d.expected !== BACKLOG_TARGET
        ? { target: BACKLOG_TARGET, asked: r.options.backlog }
        : {}),
      queueSeconds: round(q.elapsedMs / 1000, 1),
      drainSeconds: round(drainSeconds, 1),
      perSec: round(delivered / Math.max(0.001, drainSeconds), 1),
      lost: d.lost,
      duplicates: d.duplicates,
      drained: r.backlog.drained,
      // A drain cut short by the budget: what is still queued at A, and the whole drain at the
      // rate measured.
      ...(d.pending > 0
        ? {
            pending: d.pending,
            projectedDrainSeconds: round(d.expected / Math.max(0.001, delivered / drainSeconds), 0),
          }
        : {}),
      ...drainCost(r),
      queueOtherPct: r.backlog.queueMachine.otherPct,
      drainOtherPct: r.backlog.drainMachine.otherPct,
    },
    {
      bench: "federation-latency-detail",
      warmup: phase(l.warmup),
      steady: phase(l.steady),
      burst: { ...phase(l.burst), burstPerSec: l.burst.burstPerSec },
      reader: l.reader,
      strangers: l.strangers,
      a: nodeFigures(r.latency.a),
      b: nodeFigures(r.latency.b),
    },
    {
      bench: "federation-backlog-detail",
      queue: {
        posted: q.requests,
        accepted: q.statuses["201"] ?? 0,
        perSec: q.perSec,
        p50ms: q.p50Ms,
        p99ms: q.p99Ms,
        statuses: q.statuses,
        ...(q.firstError ? { firstError: q.firstError } : {}),
        a: nodeFigures(r.backlog.aQueue),
      },
      drain: {
        bStartMs: r.backlog.bStartMs,
        drainMs: r.backlog.drainMs,
        drainAllowedMs: r.backlog.drainAllowedMs,
        a: nodeFigures(r.backlog.aDrain),
        b: nodeFigures(r.backlog.bDrain),
      },
      destination: d,
      origin: r.backlog.origin,
      signMs: r.signMs,
    },
    {
      bench: "federation-cpu",
      latency: r.latency.machine,
      queue: r.backlog.queueMachine,
      drain: r.backlog.drainMachine,
      loadCpuMs: { latency: l.cpuMs, queue: r.backlog.queue.cpuMs },
    },
  ];
  const p = r.backlog.profiles;
  if (p) {
    const brief = (x: NonNullable<typeof p>["a"]) => ({
      file: x.file,
      sampledMs: x.sampledMs,
      idleMs: x.idleMs,
      self: x.self.slice(0, 15),
      total: x.total.slice(0, 15),
    });
    lines.push({
      bench: "federation-profile",
      aQueue: brief(p.aQueue),
      aDrain: brief(p.a),
      bDrain: brief(p.b),
    });
  }
  return lines;
}

/**
 * What the drain cost, in figures the machine's other load does not change: CPU per envelope
 * delivered at A and at B (their threads included), transactions, and synced store batches
 * per transaction at each end; and A's CPU per envelope accepted while it queued.
 */
function drainCost(r: FederationReport) {
  const d = r.backlog.destination;
  const delivered = Math.max(1, d.once + d.duplicates);
  const a = r.backlog.aDrain;
  const b = r.backlog.bDrain;
  const txns = Math.max(1, a.peerCalls.ok);
  const accepted = Math.max(1, r.backlog.queue.measured.statuses["201"] ?? 0);
  return {
    transactions: a.peerCalls.ok,
    aCpuMsPerEnvelope: round(a.cpuMs / delivered, 3),
    bCpuMsPerEnvelope: round(b.cpuMs / delivered, 3),
    aSyncedPerTxn: round(a.batches / txns, 2),
    bSyncedPerTxn: round(b.batches / txns, 2),
    queueCpuMsPerEnvelope: round(r.backlog.aQueue.cpuMs / accepted, 3),
  };
}

/** The summary for people, on stderr. */
export function federationText(r: FederationReport): string {
  const l = r.latency.load;
  const d = r.backlog.destination;
  const q = r.backlog.queue.measured;
  const ad = r.backlog.aDrain;
  const bd = r.backlog.bDrain;
  const drainS = r.backlog.drainMs / 1000;
  const txns = ad.peerCalls.ok;
  const lines = [
    "",
    `FRX federation: TH → LA on loopback, envelopes of about ${r.options.jwsBytes} B, every batch fsynced`,
    `  latency (A's 201 → in B's inbox): ${l.measured.created} envelopes, p50 ${l.measured.p50Ms} ms, p99 ${l.measured.p99Ms} ms; ` +
      `lost ${l.measured.lost}, duplicates ${l.measured.duplicates}`,
    `    steady ${r.options.rate}/s: p50 ${l.steady.p50Ms} ms  p99 ${l.steady.p99Ms} ms  max ${l.steady.maxMs} ms ` +
      `(target p99 < ${LATENCY_TARGET_P99_MS} ms: ${l.steady.p99Ms < LATENCY_TARGET_P99_MS ? "met" : "NOT met"})`,
    `    bursts of ${r.options.burstSize}: p50 ${l.burst.p50Ms} ms  p99 ${l.burst.p99Ms} ms  max ${l.burst.maxMs} ms, ` +
      `${l.burst.perSec} arrivals/s`,
    `  backlog of ${d.expected}${d.expected !== BACKLOG_TARGET ? ` (target ${BACKLOG_TARGET}: ${scaled(r)})` : ""}: ` +
      `queued at A in ${(q.elapsedMs / 1000).toFixed(1)} s (${q.perSec}/s), ` +
      `${r.backlog.drained ? "drained" : `NOT drained (${d.pending} still queued at A when the budget ran out)`} in ${drainS.toFixed(1)} s ` +
      `(${round((d.once + d.duplicates) / Math.max(0.001, drainS), 1)}/s); lost ${d.lost}, duplicates ${d.duplicates}`,
    `    while B was down A tried ${r.backlog.aQueue.peerCalls.unreachable} transactions (all unreachable)`,
    `    drain: ${txns} transactions, mean round trip ${round(ad.peerCalls.ms / Math.max(1, txns), 1)} ms; ` +
      `B stored ${round(bd.batchEnvelopes / Math.max(1, bd.batches), 2)} envelopes per synced batch ` +
      `(${bd.batches} batches, ${round(bd.batchMs / Math.max(1, bd.batches), 2)} ms each), ` +
      `${round(bd.received.ms / Math.max(1, bd.received.accepted + bd.received.duplicate), 2)} ms per received envelope`,
    `    CPU during the drain: A ${ad.cpuMs} ms, B ${bd.cpuMs} ms over ${r.backlog.drainMs} ms wall`,
  ];
  for (const [name, m] of [
    ["latency", r.latency.machine],
    ["queue", r.backlog.queueMachine],
    ["drain", r.backlog.drainMachine],
  ] as Array<[string, MachineShare]>) {
    if (m.otherPct > NOISY_PCT)
      lines.push(
        `  warning: other processes used ${m.otherPct}% of the machine during the ${name} phase; its figures are unreliable`,
      );
  }
  const p = r.backlog.profiles;
  if (p)
    for (const [name, prof] of [
      ["A", p.a],
      ["B", p.b],
    ] as const) {
      lines.push(
        `  profile of ${name} during the drain ${prof.file}: ${prof.sampledMs - prof.idleMs} ms busy of ${prof.sampledMs} ms`,
      );
      for (const entry of prof.self.slice(0, 10))
        lines.push(`    self ${String(entry.pct).padStart(5)}%  ${entry.fn}`);
    }
  return lines.join("\n") + "\n";
}

/** Why the backlog is smaller than the target. */
function scaled(r: FederationReport): string {
  const asked = r.options.backlog;
  if (asked !== BACKLOG_TARGET) return `scaled down to ${asked} by --backlog`;
  return (
    `A accepted ${r.backlog.destination.expected} within the queue limit of ` +
    `${r.options.queueLimitMs / 1000} s, which keeps the suite within its ${r.options.budgetMs / 1000} s budget`
  );
}

function phase(p: FedPhase) {
  const { submitted, created, arrived, lost, duplicates, elapsedMs, perSec } = p;
  return {
    submitted,
    created,
    arrived,
    lost,
    duplicates,
    elapsedMs,
    perSec,
    p50ms: p.p50Ms,
    p90ms: p.p90Ms,
    p99ms: p.p99Ms,
    maxms: p.maxMs,
    meanms: p.meanMs,
    submitP50ms: p.submit.p50Ms,
    submitP99ms: p.submit.p99Ms,
    statuses: p.statuses,
    ...(p.firstError ? { firstError: p.firstError } : {}),
  };
}

/** A node's figures over a phase, with means worked out. */
function nodeFigures(s: FedNodeStats) {
  const received = s.received.accepted + s.received.duplicate + s.received.rejected;
  const calls = s.peerCalls.ok + s.peerCalls.refused + s.peerCalls.unreachable;
  return {
    cpuMs: s.cpuMs,
    submits: s.submits,
    submitMeanMs: round(s.submitMs / Math.max(1, s.submits), 2),
    received: {
      ...s.received,
      ms: undefined,
      meanMs: round(s.received.ms / Math.max(1, received), 2),
    },
    peerCalls: {
      ...s.peerCalls,
      ms: undefined,
      meanMs: round(s.peerCalls.ms / Math.max(1, calls), 2),
      maxMs: round(s.peerCalls.maxMs, 1),
    },
    serialMeanMs: round(s.serialMs / Math.max(1, s.serialTasks), 3),
    serialTasks: s.serialTasks,
    batches: s.batches,
    envelopesPerBatch: round(s.batchEnvelopes / Math.max(1, s.batches), 2),
    batchMeanMs: round(s.batchMs / Math.max(1, s.batches), 2),
    batchMaxMs: round(s.batchMaxMs, 1),
    events: s.events,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
