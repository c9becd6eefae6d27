// A bench child for the store-scale suite: fills a node's store with a year of traffic written
// directly as records (scale-records.ts: no HTTP, no signature per message, unsynced batches),
// the way ingest lays them out. Usage: node scale-fill.js JOB.json. Prints {messages, cases,
// fillMs, sampleCases, inboxCursor} and exits.
import { provideKeyFile } from "../privacy/data-keys.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { registerParticipant, type ParticipantRegistration } from "../admin/participants.js";
import { defaultConfig } from "../config/config.js";
import type { NodeKeys } from "../config/keys.js";
import { createNode } from "../node.js";
import { AGGREGATES, openLevel, type Aggregate } from "../store/db.js";
import { answer } from "./children.js";
import { scaleOps, type ScaleState } from "./scale-records.js";

export interface FillJob {
  dir: string;
  keys: NodeKeys;
  agencies: ParticipantRegistration[];
  /** Signed envelopes whose JWS the generated records reuse in turn (a record's bytes, not its id, are what a read returns). */
  jwsPool: string[];
  messages: number;
  perCase: number;
}

const job = JSON.parse(await readFile(process.argv[2]!, "utf8")) as FillJob;
const started = performance.now();
// Register the agencies through the node, as an operator would, then close it; its data key
// seals the generated envelopes.
const config = defaultConfig("TH", { host: "127.0.0.1", port: 0, sync: true });
await provideKeyFile(job.dir, config);
const node = await createNode({ config, keys: job.keys, dir: job.dir });
for (const agency of job.agencies) await registerParticipant(node.ctx, agency);
const dataKeys = node.ctx.dataKeys;
await node.close();

const db = openLevel(join(job.dir, "store"));
await db.open();
const subs = new Map(
  AGGREGATES.map((name) => [name, db.sublevel(name, { valueEncoding: "json" })] as const),
);
const state: ScaleState = { cursor: 0, cases: 0, sampleCases: [] };
let batch: Array<{ type: "put"; sublevel: unknown; key: string; value: unknown }> = [];
const flush = async () => {
  if (batch.length === 0) return;
  await db.batch(batch as never);
  batch = [];
};
const layout = {
  participants: job.agencies.map((a) => a.id),
  jwsPool: job.jwsPool,
  messages: job.messages,
  perCase: job.perCase,
  dataKeys,
};
// Batches of about half a megabyte, below LevelDB's 1 MiB write buffer, as a node's grouped
// commits are: a larger batch becomes one level-0 table of its own size, and LevelDB moves
// tables that overlap nothing down the levels without rewriting them, so 20,000-op batches
// left a store of ~3.6 MB tables (64 open ones held 233 MB of the node's memory at 1,000,000).
for (const op of scaleOps(layout, state)) {
  batch.push({ ...op, sublevel: subs.get(op.aggregate as Aggregate) });
  if (batch.length >= 500) await flush();
}
await flush();
await db.close();
answer({
  messages: job.messages,
  cases: state.cases,
  fillMs: Math.round(performance.now() - started),
  sampleCases: state.sampleCases,
  inboxCursor: state.cursor,
});
