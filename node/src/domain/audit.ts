import { createHash } from "node:crypto";
import {
  canonicalize,
  parseCompact,
  assertSignature,
  thumbprint,
  signCompact,
  importPublicKey,
  type PublicJwk,
  type Signer,
} from "@frx/spec";
import { pad } from "../store/db.js";
import type { AuditEntry } from "../store/records.js";
import type { Op, Store } from "../store/store.js";

const GENESIS = "0".repeat(64);
const encoder = new TextEncoder();

/** The hash of an entry: SHA-256 over the canonical JSON of everything but `hash`. */
export function entryHash(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(canonicalize(entry)).digest("hex");
}

/**
 * The hash-chained audit log. Each entry names the previous entry's hash; every
 * `checkpointEvery` entries the node signs the head. Appends return the ops to write in the
 * same batch as the change they record, so the log and the state cannot disagree.
 */
export class AuditLog {
  private seq = 0;
  private head = GENESIS;

  constructor(
    private readonly store: Store,
    /** The node's current signer (it changes when the node key is rotated). */
    private readonly signer: () => Signer,
    private readonly checkpointEvery: number,
  ) {}

  /** Loads the head of the chain from the store. */
  async load(): Promise<void> {
    const [last] = await this.store.range<AuditEntry>("audit", { reverse: true, limit: 1 });
    if (last) {
      this.seq = last[1].seq;
      this.head = last[1].hash;
    }
  }

  get length(): number {
    return this.seq;
  }

  append(at: string, fields: Omit<AuditEntry, "seq" | "at" | "prev" | "hash">): Op[] {
    const unsigned = { ...fields, seq: this.seq + 1, at, prev: this.head };
    const entry: AuditEntry = { ...unsigned, hash: entryHash(unsigned) };
    this.seq = entry.seq;
    this.head = entry.hash;
    const ops: Op[] = [{ type: "put", aggregate: "audit", key: pad(entry.seq), value: entry }];
    if (entry.seq % this.checkpointEvery === 0) ops.push(this.checkpointOp(at));
    return ops;
  }

  /** A signed statement of the chain's head: {seq, hash, at}. */
  checkpointOp(at: string): Op {
    const jws = signCompact(
      encoder.encode(canonicalize({ seq: this.seq, hash: this.head, at })),
      "frx-checkpoint+jws",
      this.signer(),
    );
    return {
      type: "put",
      aggregate: "checkpoints",
      key: pad(this.seq),
      value: { seq: this.seq, hash: this.head, at, jws },
    };
  }
}

export interface AuditReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** The first entry whose hash or link does not hold. */
  firstBroken?: { seq: number; reason: string };
}

/**
 * Walks the whole chain (streamed, not loaded at once) and every checkpoint; names the first
 * break. `nodeKeys` are the node's signing keys, current and retired: a checkpoint is checked
 * with the key its kid names, so checkpoints from before a key rotation still verify.
 */
export async function verifyAudit(
  store: Store,
  nodeKeys: PublicJwk | PublicJwk[],
): Promise<AuditReport> {
  let prev = GENESIS;
  let expected = 1;
  let entries = 0;
  const hashes = new Map<number, string>();
  const broken = (seq: number, reason: string, checkpoints = 0): AuditReport => ({
    ok: false,
    entries,
    checkpoints,
    firstBroken: { seq, reason },
  });
  for await (const [, value] of store.sub("audit").iterator()) {
    const entry = value as AuditEntry;
    entries++;
    const { hash, ...rest } = entry;
    if (entry.seq !== expected)
      return broken(expected, `entry ${expected} is missing (found ${entry.seq})`);
    if (entry.prev !== prev)
      return broken(entry.seq, "prev does not match the previous entry's hash");
    if (entryHash(rest) !== hash)
      return broken(entry.seq, "hash does not match the entry's content");
    hashes.set(entry.seq, hash);
    prev = hash;
    expected++;
  }
  const keys = new Map(
    (Array.isArray(nodeKeys) ? nodeKeys : [nodeKeys]).map((k) => [
      k.kid ?? thumbprint(k),
      importPublicKey(k),
    ]),
  );
  let checkpoints = 0;
  for await (const [, value] of store.sub("checkpoints").iterator()) {
    const cp = value as { seq: number; hash: string; jws: string };
    checkpoints++;
    const parsed = parseCompact(cp.jws, "frx-checkpoint+jws");
    const key = keys.get(parsed.header.kid);
    if (!key)
      return broken(
        cp.seq,
        `checkpoint signed by key ${parsed.header.kid}, which is not one of this node's`,
        checkpoints,
      );
    try {
      assertSignature(parsed, key);
    } catch {
      return broken(cp.seq, "checkpoint signature does not verify", checkpoints);
    }
    const signed = JSON.parse(new TextDecoder().decode(parsed.payload)) as {
      seq: number;
      hash: string;
    };
    if (signed.seq !== cp.seq || signed.hash !== hashes.get(cp.seq))
      return broken(cp.seq, "checkpoint does not match the chain", checkpoints);
  }
  return { ok: true, entries, checkpoints };
}
