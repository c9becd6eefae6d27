// A bench child: the cross-border load. Usage: node fed-load.js JOB.json. Posts agency-signed
// envelopes addressed to an agency of node B to node A — a warm-up and a steady phase at a
// fixed rate, then bursts posted with several in flight — while a reader long-polls B's inbox
// for the recipient with fresh agency tokens. Each envelope's latency is the time from A's
// 201 to the reader seeing it in B's inbox. Prints one FedLatencyResult and exits.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createSigner, type PrivateJwk } from "@frx/spec";
import { SignJWT } from "jose";
import { Pool } from "undici";
import { AGENCY_TOKEN_TYP } from "../http/auth/agency-token.js";
import { answer, cpuMs } from "./children.js";
import type { SignedEnvelope } from "./envelopes.js";
import { summarize, type LatencySummary } from "./stats.js";

export interface FedLatencyJob {
  /** Node A (the sender's node) and node B (the recipient's). */
  originA: string;
  originB: string;
  /** B's node id: the `aud` of the reader's tokens. */
  nodeB: string;
  /** The recipient agency at B, whose inbox the reader polls, and its key. */
  reader: { participant: string; privateJwk: PrivateJwk };
  /** A JSON array of SignedEnvelope: warm-up first, then steady, then the bursts. */
  bodiesFile: string;
  warmup: number;
  /** Envelopes per second in the warm-up and steady phases. */
  rate: number;
  steady: number;
  bursts: number;
  burstSize: number;
  /** Requests in flight while a burst is posted. */
  burstConcurrency: number;
  /** Pause between bursts, after the previous one has arrived. */
  burstGapMs: number;
  /** An envelope not in B's inbox this long after A's 201 counts as lost. */
  settleMs: number;
}

export interface FedPhase extends LatencySummary {
  submitted: number;
  /** Answered 201 by A. */
  created: number;
  /** Of those, seen in B's inbox. */
  arrived: number;
  lost: number;
  /** Envelopes of this phase the reader saw more than once. */
  duplicates: number;
  /** From the first post of the phase to the last arrival. */
  elapsedMs: number;
  /** Arrivals per second over elapsedMs. */
  perSec: number;
  /** A's answer time to the posts (the 201). */
  submit: LatencySummary;
  statuses: Record<string, number>;
  firstError?: string;
}

export interface FedLatencyResult {
  warmup: FedPhase;
  /** Steady and bursts together: every envelope measured. */
  measured: FedPhase;
  steady: FedPhase;
  burst: FedPhase & { burstPerSec: number[] };
  reader: { polls: number; items: number; errors: number; firstError?: string };
  /** Inbox items the reader saw that no phase posted (left from an earlier run: none expected). */
  strangers: number;
  cpuMs: number;
}

const job = JSON.parse(await readFile(process.argv[2]!, "utf8")) as FedLatencyJob;
const envelopes = JSON.parse(await readFile(job.bodiesFile, "utf8")) as SignedEnvelope[];
const poolA = new Pool(job.originA, {
  connections: Math.max(8, job.burstConcurrency),
  keepAliveTimeout: 30_000,
});
const poolB = new Pool(job.originB, { connections: 2, keepAliveTimeout: 30_000 });
const signer = createSigner(job.reader.privateJwk);

/** When A answered 201 for an id, and when (and how often) the reader saw it at B. */
const createdAt = new Map<string, number>();
const seenAt = new Map<string, number>();
const seenCount = new Map<string, number>();
const reader = { polls: 0, items: 0, errors: 0, firstError: undefined as string | undefined };
let reading = true;
let finished = false;
process.stdin
  .on("end", () => {
    if (!finished) process.exit(1);
  })
  .resume();

try {
  const cpuAtStart = process.cpuUsage();
  const readerDone = read();
  let next = 0;
  const take = (n: number) => envelopes.slice(next, (next += n));
  const warmup = await paced(take(job.warmup));
  const steady = await paced(take(job.steady));
  const burstRuns: Run[] = [];
  for (let b = 0; b < job.bursts; b++) {
    burstRuns.push(await burst(take(job.burstSize)));
    await sleep(job.burstGapMs);
  }
  reading = false;
  await readerDone;
  const burstPhase = phase(merge(burstRuns));
  const posted = new Set(envelopes.slice(0, next).map((e) => e.id));
  answer({
    warmup: phase(warmup),
    measured: phase(merge([steady, ...burstRuns])),
    steady: phase(steady),
    burst: { ...burstPhase, burstPerSec: burstRuns.map((r) => phase(r).perSec) },
    reader: {
      polls: reader.polls,
      items: reader.items,
      errors: reader.errors,
      ...(reader.firstError ? { firstError: reader.firstError } : {}),
    },
    strangers: [...seenAt.keys()].filter((id) => !posted.has(id)).length,
    cpuMs: cpuMs(cpuAtStart),
  } satisfies FedLatencyResult);
  finished = true;
} finally {
  reading = false;
  await Promise.all([poolA.close(), poolB.close()]);
}

interface Run {
  ids: string[];
  startedAt: number;
  submitMs: number[];
  statuses: Record<string, number>;
  firstError?: string;
  /** Spans of several bursts added up (for merged runs); otherwise 0. */
  elapsedMs?: number;
}

/** Posts the envelopes at job.rate per second, each on its own schedule, then waits for them at B. */
async function paced(batch: SignedEnvelope[]): Promise<Run> {
  const run = newRun(batch);
  const posts: Array<Promise<void>> = [];
  for (const [i, envelope] of batch.entries()) {
    const due = run.startedAt + (i * 1000) / job.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    posts.push(post(envelope, run));
  }
  await Promise.all(posts);
  await arrivals(run);
  return run;
}

/** Posts the envelopes with job.burstConcurrency in flight, then waits for them at B. */
async function burst(batch: SignedEnvelope[]): Promise<Run> {
  const run = newRun(batch);
  let next = 0;
  const worker = async () => {
    while (next < batch.length) await post(batch[next++]!, run);
  };
  await Promise.all(Array.from({ length: job.burstConcurrency }, worker));
  await arrivals(run);
  return run;
}

function newRun(batch: SignedEnvelope[]): Run {
  return { ids: batch.map((e) => e.id), startedAt: performance.now(), submitMs: [], statuses: {} };
}

async function post(envelope: SignedEnvelope, run: Run): Promise<void> {
  const sent = performance.now();
  try {
    const res = await poolA.request({
      path: "/v1/envelopes",
      method: "POST",
      headers: { "content-type": "application/jose" },
      body: envelope.jws,
    });
    const text = await res.body.text();
    const now = performance.now();
    run.submitMs.push(now - sent);
    run.statuses[res.statusCode] = (run.statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode === 201) createdAt.set(envelope.id, now);
    else run.firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
  } catch (error) {
    run.statuses.network = (run.statuses.network ?? 0) + 1;
    run.firstError ??= String(error);
  }
}

/** Waits until every envelope of the run that A accepted is in B's inbox, or settleMs passes. */
async function arrivals(run: Run): Promise<void> {
  const deadline = performance.now() + job.settleMs;
  const pending = () => run.ids.some((id) => createdAt.has(id) && !seenAt.has(id));
  while (pending() && performance.now() < deadline) await sleep(2);
}

/** Long-polls B's inbox for the recipient until told to stop, recording when each id shows up. */
async function read(): Promise<void> {
  let after = 0;
  while (reading) {
    try {
      const res = await poolB.request({
        path: `/v1/inbox?after=${after}&limit=500&wait=1000`,
        method: "GET",
        headers: { authorization: `Bearer ${await token()}` },
      });
      reader.polls++;
      if (res.statusCode !== 200) {
        const text = await res.body.text();
        throw new Error(`inbox answered ${res.statusCode}: ${text.slice(0, 300)}`);
      }
      const page = (await res.body.json()) as {
        items: Array<{ messageId: string }>;
        next: number;
      };
      const now = performance.now();
      for (const item of page.items) {
        reader.items++;
        seenCount.set(item.messageId, (seenCount.get(item.messageId) ?? 0) + 1);
        if (!seenAt.has(item.messageId)) seenAt.set(item.messageId, now);
      }
      after = page.next;
    } catch (error) {
      reader.errors++;
      reader.firstError ??= String(error);
      await sleep(100);
    }
  }
}

/** A one-call agency token for the reader: Ed25519, aud = B, 60 s, a fresh jti. */
async function token(): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: AGENCY_TOKEN_TYP, kid: signer.kid })
    .setIssuer(job.reader.participant)
    .setAudience(job.nodeB)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomUUID())
    .sign(signer.privateKey);
}

/** Several bursts as one run: their ids, posts and answers together, their spans added up. */
function merge(runs: Run[]): Run {
  const merged: Run = {
    ids: runs.flatMap((r) => r.ids),
    startedAt: 0,
    submitMs: runs.flatMap((r) => r.submitMs),
    statuses: {},
    elapsedMs: runs.reduce((sum, r) => sum + span(r), 0),
  };
  for (const r of runs) {
    for (const [k, n] of Object.entries(r.statuses))
      merged.statuses[k] = (merged.statuses[k] ?? 0) + n;
    merged.firstError ??= r.firstError;
  }
  return merged;
}

/** From the first post to the last arrival of the run. */
function span(run: Run): number {
  const last = Math.max(run.startedAt, ...run.ids.map((id) => seenAt.get(id) ?? 0));
  return last - run.startedAt;
}

function phase(run: Run): FedPhase {
  const created = run.ids.filter((id) => createdAt.has(id));
  const arrived = created.filter((id) => seenAt.has(id));
  const latencies = Float64Array.from(arrived, (id) => seenAt.get(id)! - createdAt.get(id)!);
  const elapsedMs = run.elapsedMs ?? span(run);
  return {
    submitted: run.ids.length,
    created: created.length,
    arrived: arrived.length,
    lost: created.length - arrived.length,
    duplicates: run.ids.filter((id) => (seenCount.get(id) ?? 0) > 1).length,
    elapsedMs: round(elapsedMs),
    perSec: round((arrived.length / Math.max(1, elapsedMs)) * 1000),
    ...summarize(latencies),
    submit: summarize(Float64Array.from(run.submitMs)),
    statuses: run.statuses,
    ...(run.firstError ? { firstError: run.firstError } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
