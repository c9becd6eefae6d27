import { canonicalize, signCompact, type Signer } from "@frx/spec";
import { pad } from "../store/db.js";
import type { AuditEntry } from "../store/records.js";
import type { Op, Store } from "../store/store.js";
import { entryHash, GENESIS, RECORDED, recordHash, recordName } from "./audit-hash.js";

export { entryHash, recordHash } from "./audit-hash.js";
export { verifyAudit, type Anchor, type AuditReport } from "./audit-verify.js";

const encoder = new TextEncoder();

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

  /**
   * The `state` entry for a batch (FRX-AUD-001): every recorded aggregate's write in `ops`,
   * named and hashed, so that `audit verify` can hold the stored records to the chain. The
   * store calls it on every commit, so no writer can change a record without it.
   */
  seal(ops: readonly Op[], at: string, textOf?: (value: unknown) => string): Op[] {
    const writes: Record<string, string | null> = {};
    for (const op of ops) {
      if (!RECORDED.has(op.aggregate)) continue;
      writes[recordName(op.aggregate, op.key)] =
        op.type === "put" ? recordHash(op.value, textOf) : null;
    }
    if (Object.keys(writes).length === 0) return [];
    return this.append(at, { kind: "state", actor: "node", writes });
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
