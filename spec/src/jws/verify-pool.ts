import type { KeyObject } from "node:crypto";
import { Worker } from "node:worker_threads";
import { FrxError, isFrxError, type Violation } from "../errors.js";
import type { ErrorCode } from "../generated/codes.js";
import type { AnyMessage } from "../generated/messages.js";
import {
  verifyEnvelope,
  type KeyResolver,
  type ResolvedKey,
  type VerifiedEnvelope,
} from "./envelope.js";

/** What the calling thread resolved for the envelope's kid: a key, or the refusal its resolver threw. */
export type ResolvedForWorker =
  | { jwk: Record<string, string>; owner: string; retiredAt?: string }
  | { error: { code: ErrorCode; message: string } };

/** One verification handed to a thread. */
export interface VerifyJob {
  id: number;
  jws: string;
  kid: string | undefined;
  resolved: ResolvedForWorker | undefined;
  now?: number;
  skewSeconds?: number;
  maxBytes?: number;
}

export type VerifyAnswer =
  | { id: number; ok: true; message: AnyMessage; kid: string; digest: string }
  | {
      id: number;
      ok: false;
      error: { code: ErrorCode; message: string; violations: Violation[] };
    }
  | { id: number; ok: false; crash: string };

export interface PooledVerifyOptions {
  now?: Date;
  skewSeconds?: number;
  maxBytes?: number;
  /**
   * Looks a kid up without side effects; called on the calling thread before the envelope is
   * handed to a verification thread (which cannot reach the directories).
   */
  peekKey: KeyResolver;
  /**
   * Called only when the verification refused with `jws.kid-unknown` for the peeked kid: a
   * resolver that may fetch (a peer's directory, FRX-FED-008); if it finds the key, the
   * envelope is verified again with it. By default the peek alone.
   */
  resolveKey?: KeyResolver;
}

/**
 * The young generation of each verification thread's heap. V8 sizes it as for the main thread,
 * which it grew to two 16 MB semi-spaces under a stream of requests; a thread that verifies one
 * envelope at a time keeps little alive across a scavenge, so a small one costs more frequent,
 * short scavenges and keeps each thread's share of the node's memory small (docs/performance.md,
 * store-scale memory).
 */
const WORKER_YOUNG_GENERATION_MB = 12;

interface Pending {
  resolve: (a: VerifyAnswer) => void;
  reject: (e: unknown) => void;
}

/**
 * Envelope verification (signature, canonical form, schema, time) on a pool of worker threads,
 * so that the thread that applies envelopes in order spends no time on it. Each call gives the
 * same result, with the same error in the same order of checks, as `verifyEnvelope` with the
 * same resolver: the key is resolved on the calling thread from the kid in the protected
 * header, and the thread runs `verifyEnvelope` itself with that one key (or that resolver's
 * error). A pool of size 0 verifies on the calling thread.
 *
 * @example const pool = new VerifyPool(2); await pool.verify(jws, { peekKey: dir.resolveKey })
 */
export class VerifyPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Jobs waiting to be posted, per thread, and whether a post is scheduled. */
  private readonly outgoing: VerifyJob[][] = [];
  private sending = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.spawn(i);
  }

  private spawn(i: number): void {
    const worker = new Worker(new URL("./verify-worker.js", import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on("message", (answers: VerifyAnswer[]) => {
      for (const answer of answers) {
        const p = this.pending.get(answer.id);
        if (!p) continue;
        this.pending.delete(answer.id);
        this.load[i]!--;
        p.resolve(answer);
      }
      if (this.pending.size === 0) for (const w of this.workers) w.unref();
    });
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", (code) => {
      if (!this.closed) this.failAll(new Error(`verification thread exited with code ${code}`));
    });
    worker.unref();
    this.workers[i] = worker;
    this.load[i] = 0;
    this.outgoing[i] = [];
  }

  private failAll(error: unknown): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.load.fill(0);
  }

  async verify(jws: string, options: PooledVerifyOptions): Promise<VerifiedEnvelope> {
    if (this.size === 0)
      return verifyEnvelope(jws, { ...options, resolveKey: options.resolveKey ?? options.peekKey });
    const kid = typeof jws === "string" ? headerKid(jws) : undefined;
    const peeked = kid === undefined ? undefined : await outcome(options.peekKey, kid);
    let answer = await this.run(jws, kid, peeked, options);
    if (
      !answer.ok &&
      "error" in answer &&
      answer.error.code === "jws.kid-unknown" &&
      kid !== undefined &&
      options.resolveKey
    ) {
      const fetched = await outcome(options.resolveKey, kid);
      if (fetched !== undefined) answer = await this.run(jws, kid, fetched, options);
    }
    if (answer.ok) return { message: answer.message, kid: answer.kid, digest: answer.digest, jws };
    if ("error" in answer)
      throw new FrxError(answer.error.code, answer.error.message, answer.error.violations);
    throw new Error(`verification thread failed: ${answer.crash}`);
  }

  private run(
    jws: string,
    kid: string | undefined,
    resolved: ResolvedForWorker | undefined,
    options: PooledVerifyOptions,
  ): Promise<VerifyAnswer> {
    if (this.closed) return Promise.reject(new Error("the verification pool is closed"));
    const id = this.nextId++;
    let i = 0;
    for (let k = 1; k < this.size; k++) if (this.load[k]! < this.load[i]!) i = k;
    const job: VerifyJob = {
      id,
      jws,
      kid,
      resolved,
      ...(options.now ? { now: options.now.getTime() } : {}),
      ...(options.skewSeconds !== undefined ? { skewSeconds: options.skewSeconds } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    };
    return new Promise<VerifyAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.load[i]!++;
      if (this.pending.size === 1) for (const w of this.workers) w.ref();
      this.outgoing[i]!.push(job);
      // Jobs queued in the same turn of the event loop (requests read in one poll phase, the
      // envelopes of one transaction) go to their thread in one message.
      if (!this.sending) {
        this.sending = true;
        setImmediate(() => this.send());
      }
    });
  }

  private send(): void {
    this.sending = false;
    this.outgoing.forEach((jobs, k) => {
      if (jobs.length === 0) return;
      this.outgoing[k] = [];
      this.workers[k]!.postMessage(jobs);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error("the verification pool is closed"));
  }
}

const jwkCache = new WeakMap<KeyObject, Record<string, string>>();

/** The resolver's answer for a kid, as a thread can receive it; undefined when none is known. */
async function outcome(resolver: KeyResolver, kid: string): Promise<ResolvedForWorker | undefined> {
  let found: ResolvedKey | undefined;
  try {
    found = await resolver(kid);
  } catch (error) {
    if (!isFrxError(error)) throw error;
    return { error: { code: error.code, message: error.message } };
  }
  if (!found) return undefined;
  let jwk = jwkCache.get(found.key);
  if (!jwk) {
    jwk = found.key.export({ format: "jwk" }) as Record<string, string>;
    jwkCache.set(found.key, jwk);
  }
  return {
    jwk,
    owner: found.owner,
    ...(found.retiredAt !== undefined ? { retiredAt: found.retiredAt } : {}),
  };
}

/**
 * The kid of a compact JWS's protected header, or undefined when the header cannot be read (the
 * thread's full parse then refuses it with the proper code before any key is asked for).
 */
function headerKid(jws: string): string | undefined {
  const dot = jws.indexOf(".");
  if (dot <= 0) return undefined;
  try {
    const header = JSON.parse(
      Buffer.from(jws.slice(0, dot), "base64url").toString("utf8"),
    ) as unknown;
    if (typeof header !== "object" || header === null) return undefined;
    const kid = (header as { kid?: unknown }).kid;
    return typeof kid === "string" && kid.length > 0 ? kid : undefined;
  } catch {
    return undefined;
  }
}
