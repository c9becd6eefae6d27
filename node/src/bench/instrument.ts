import { performance } from "node:perf_hooks";
import type { FrxNode } from "../node.js";
import { LevelStore } from "../store/store.js";

/** Where a bench node spent its time, from timing wrappers around three calls. */
export interface NodeTimes {
  submits: number;
  submitMs: number;
  /** Time inside the one serial queue (idempotency, routing, policy, state, receipt). */
  serialTasks: number;
  serialMs: number;
  batches: number;
  batchOps: number;
  batchEnvelopes: number;
  /** From handing a batch to level until the caller resumes: encoding, write, fsync, and any
   * wait for the event loop. */
  batchMs: number;
  batchMaxMs: number;
}

export function emptyTimes(): NodeTimes {
  return {
    submits: 0,
    submitMs: 0,
    serialTasks: 0,
    serialMs: 0,
    batches: 0,
    batchOps: 0,
    batchEnvelopes: 0,
    batchMs: 0,
    batchMaxMs: 0,
  };
}

/**
 * Wraps ingest.submit, the serial queue and the store's batch with timers that add to
 * `stats`.
 *
 * @example const stats = emptyTimes(); instrumentNode(node, stats)
 */
export function instrumentNode(node: FrxNode, stats: NodeTimes): void {
  const { ingest, ctx } = node;
  const submit = ingest.submit.bind(ingest);
  ingest.submit = async (jws, as) => {
    const t0 = performance.now();
    try {
      return await submit(jws, as);
    } finally {
      stats.submits++;
      stats.submitMs += performance.now() - t0;
    }
  };
  const run = ctx.serial.run.bind(ctx.serial);
  ctx.serial.run = (task) =>
    run(async () => {
      const t0 = performance.now();
      try {
        return await task();
      } finally {
        stats.serialTasks++;
        stats.serialMs += performance.now() - t0;
      }
    });
  const store = ctx.store;
  if (!(store instanceof LevelStore))
    throw new TypeError("instrumentNode times the level store's batches");
  const db = store.db;
  // The store writes to the root with each sublevel's prefix on the key.
  const messages = store.sub("messages").prefix;
  const batch = db.batch.bind(db) as (ops: unknown[], options: object) => Promise<void>;
  (db as unknown as { batch: typeof batch }).batch = async (ops, options) => {
    const t0 = performance.now();
    await batch(ops, options);
    const ms = performance.now() - t0;
    stats.batches++;
    stats.batchOps += ops.length;
    stats.batchEnvelopes += ops.filter(
      (op) =>
        (op as { type: string }).type === "put" && (op as { key: string }).key.startsWith(messages),
    ).length;
    stats.batchMs += ms;
    stats.batchMaxMs = Math.max(stats.batchMaxMs, ms);
  };
}
