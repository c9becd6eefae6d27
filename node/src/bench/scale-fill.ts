// A bench child for the store-scale suite: fills a node's store with a year of traffic written
// directly as records (no HTTP, no signature per message, unsynced batches), the way ingest
// lays them out: each message with its record, one inbox item per recipient, a timeline line
// in its case, and the case; cases of `perCase` messages. Usage: node scale-fill.js JOB.json.
// Prints {messages, cases, fillMs, sampleCases, inboxCursor} and exits.
import { provideKeyFile } from "../privacy/data-keys.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { digestOf, parseInstant } from "@frx/spec";
import { registerParticipant, type ParticipantRegistration } from "../admin/participants.js";
import { defaultConfig } from "../config/config.js";
import type { NodeKeys } from "../config/keys.js";
import { createNode } from "../node.js";
import { inboxKey } from "../pipeline/inbox-ops.js";
import { openLevel, pad } from "../store/db.js";
import type { CaseRecord, InboxItem, MessageRecord, TimelineEntry } from "../store/records.js";
import { answer } from "./children.js";

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
// Register the agencies through the node, as an operator would, then close it.
const config = defaultConfig("TH", { host: "127.0.0.1", port: 0, sync: true });
await provideKeyFile(job.dir, config);
const node = await createNode({ config, keys: job.keys, dir: job.dir });
for (const agency of job.agencies) await registerParticipant(node.ctx, agency);
await node.close();

const ids = job.agencies.map((a) => a.id);
const db = openLevel(join(job.dir, "store"));
await db.open();
const sub = (name: string) => db.sublevel(name, { valueEncoding: "json" });
const messages = sub("messages");
const inbox = sub("inbox");
const timeline = sub("timeline");
const cases = sub("cases");
const meta = sub("meta");
const base = parseInstant("2025-12-01T00:00:00Z");
const stepMs = (365 * 86_400_000) / Math.max(1, job.messages);
let cursor = 0;
let batch: Array<{ type: "put"; sublevel: unknown; key: string; value: unknown }> = [];
const sampleCases: Array<{ case: string; party: string }> = [];
let caseRecord: CaseRecord | null = null;
const flush = async () => {
  if (batch.length === 0) return;
  await db.batch(batch as never);
  batch = [];
};
for (let i = 0; i < job.messages; i++) {
  const at = new Date(base + i * stepMs).toISOString();
  const from = ids[i % ids.length]!;
  const to = [ids[(i + 1) % ids.length]!, ids[(i + 2) % ids.length]!];
  const id = `01SCALE${pad(i).slice(-19)}`;
  const jws = job.jwsPool[i % job.jwsPool.length]!;
  if (i % job.perCase === 0) {
    if (caseRecord)
      batch.push({ type: "put", sublevel: cases, key: caseRecord.case, value: caseRecord });
    caseRecord = {
      case: `${from}:SCALE${pad(i)}`,
      createdAt: at,
      updatedAt: at,
      parties: [from, ...to],
      referrals: [],
      investigations: [],
      timelineLength: 0,
    };
    if (sampleCases.length < 5000 && i % (job.perCase * 7) === 0)
      sampleCases.push({ case: caseRecord.case, party: from });
  }
  const record: MessageRecord = {
    id,
    digest: digestOf(jws),
    jws,
    receipt: jws,
    receivedAt: at,
    from,
    type: "case.notify",
    case: caseRecord!.case,
    deliveredTo: to,
  };
  batch.push({ type: "put", sublevel: messages, key: id, value: record });
  for (const participant of to) {
    cursor++;
    const item: InboxItem = { cursor, participant, messageId: id, at };
    batch.push({ type: "put", sublevel: inbox, key: inboxKey(participant, cursor), value: item });
  }
  const entry: TimelineEntry = { at, messageId: id, type: "case.notify", from, to };
  batch.push({
    type: "put",
    sublevel: timeline,
    key: `${caseRecord!.case}!${pad(caseRecord!.timelineLength)}`,
    value: entry,
  });
  caseRecord!.timelineLength++;
  caseRecord!.updatedAt = at;
  if (batch.length >= 20_000) await flush();
}
if (caseRecord)
  batch.push({ type: "put", sublevel: cases, key: caseRecord.case, value: caseRecord });
batch.push({ type: "put", sublevel: meta, key: "inboxCursor", value: cursor });
await flush();
await db.close();
answer({
  messages: job.messages,
  cases: Math.ceil(job.messages / job.perCase),
  fillMs: Math.round(performance.now() - started),
  sampleCases,
  inboxCursor: cursor,
});
