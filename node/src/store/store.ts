import { AGGREGATES, type Aggregate, type RootDb, type Sub } from "./db.js";
import type { Op, RangeOptions, RecordRef, Sealer, Store } from "./interface.js";

export type { DelOp, Op, PutOp, RangeOptions, RecordRef, Sealer, Store } from "./interface.js";

const DELETED = Symbol("deleted");

/**
 * The node's default store: one root level, one sublevel per aggregate, and every cross-aggregate
 * change written as one atomic batch, synced to disk before `commit` resolves.
 *
 * Commits are grouped: while one batch is being written, later commits queue and go
 * together in the next batch (one fsync for many envelopes). Committed-but-unwritten
 * values are kept in an overlay that `get` reads first, so a sequential applier sees its
 * own earlier writes. If a write fails the store fails closed: every later call throws.
 */
export class LevelStore implements Store {
  private readonly subs = new Map<Aggregate, Sub>();
  private readonly overlay = new Map<string, unknown>();
  private queue: Array<{ ops: Op[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;
  /** Ops no caller waits for, held for the next batch (see defer). */
  private deferred: Op[] = [];
  private deferTimer: ReturnType<typeof setTimeout> | undefined;
  private sealer: Sealer | null = null;
  private written: ((ops: readonly Op[]) => void) | null = null;
  batches = 0;

  constructor(
    readonly db: RootDb,
    private readonly sync: boolean = true,
    /** How long deferred ops wait for a commit to ride on before they are written alone. */
    private readonly deferMs: number = 1000,
  ) {
    for (const name of AGGREGATES)
      this.subs.set(name, db.sublevel(name, { valueEncoding: "json" }) as Sub);
  }

  async open(): Promise<void> {
    await this.db.open();
    // Sublevels open after their root; reads are synchronous (getSync), so wait for all of them.
    for (const sub of this.subs.values()) await sub.open();
  }

  get isOpen(): boolean {
    return this.db.status === "open" && this.failure === null;
  }

  /**
   * `seal` adds to every commit the ops that record it (the audit log's state entry), in the
   * same batch, so that no writer can change a record the chain does not know of; `written`
   * hears of each batch once it is on disk (to export the newest checkpoint).
   */
  hooks(seal: Sealer, written?: (ops: readonly Op[]) => void): void {
    this.sealer = seal;
    this.written = written ?? null;
  }

  sub(aggregate: Aggregate): Sub {
    return this.subs.get(aggregate)!;
  }

  // Async (though the read is synchronous) so that a failed store rejects rather than throws.
  // eslint-disable-next-line @typescript-eslint/require-await
  async get<T>(aggregate: Aggregate, key: string): Promise<T | undefined> {
    this.assertHealthy();
    const pending = this.overlay.get(`${aggregate}\u0000${key}`);
    if (pending === DELETED) return undefined;
    if (pending !== undefined) return pending as T;
    // getSync: a point read of a hot key is a couple of microseconds, where the async path is a
    // thread-pool round trip (~80 µs on disk) taken inside the node's one state queue.
    const value = this.sub(aggregate).getSync(key) as T | undefined;
    return value ?? undefined;
  }

  /** Values in key order within [gte, lt), committed ones only. */
  async range<T>(aggregate: Aggregate, options: RangeOptions = {}): Promise<Array<[string, T]>> {
    this.assertHealthy();
    const out: Array<[string, T]> = [];
    for await (const [key, value] of this.sub(aggregate).iterator({
      ...options,
      limit: options.limit ?? -1,
    })) {
      out.push([key, value as T]);
    }
    return out;
  }

  /** Committed keys in key order within [gte, lt), without reading their values. */
  async keys(aggregate: Aggregate, options: RangeOptions = {}): Promise<string[]> {
    this.assertHealthy();
    return this.sub(aggregate)
      .keys({ ...options, limit: options.limit ?? -1 })
      .all();
  }

  /** Streams committed values in key order. */
  async *iterate<T>(aggregate: Aggregate, options: RangeOptions = {}): AsyncIterable<[string, T]> {
    this.assertHealthy();
    for await (const [key, value] of this.sub(aggregate).iterator({
      ...options,
      limit: options.limit ?? -1,
    }))
      yield [key, value as T];
  }

  /**
   * Queues the ops for the next grouped batch; resolves once they are on disk. The batch is
   * sealed as a whole when it is written: one audit state entry names every record of every
   * commit in it (FRX-AUD-001 holds per batch, and a batch is atomic).
   */
  commit(ops: Op[]): Promise<void> {
    this.assertHealthy();
    this.remember(ops);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  /**
   * Writes the ops now, outside the grouped batches, with no fsync: level appends them to its
   * log with a write(2) before the batch resolves, so they are in the page cache and survive a
   * kill of the process; the next synced batch puts them on disk. They are not sealed into the
   * audit chain: only for aggregates it leaves out (the replay store).
   */
  async commitUnsynced(ops: Op[]): Promise<void> {
    this.assertHealthy();
    try {
      await this.db.batch(
        ops.map((op) =>
          op.type === "put"
            ? {
                type: "put" as const,
                sublevel: this.sub(op.aggregate),
                key: op.key,
                value: op.value,
              }
            : { type: "del" as const, sublevel: this.sub(op.aggregate), key: op.key },
        ),
        { sync: false } as object,
      );
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }

  /**
   * Ops that nothing acknowledged depends on, such as the audit entry of a refusal: they are
   * visible to reads at once, and written with the next commit, or alone after `deferMs`, so a
   * flood of refused input costs no synced write per request. A crash may lose the last
   * `deferMs` of them, never a later committed op without them.
   */
  defer(ops: Op[]): void {
    this.assertHealthy();
    this.remember(ops);
    this.deferred.push(...ops);
    this.deferTimer ??= setTimeout(() => {
      this.deferTimer = undefined;
      if (this.deferred.length > 0 && this.failure === null) this.commit([]).catch(() => undefined);
    }, this.deferMs);
    this.deferTimer.unref?.();
  }

  /** Writes the deferred ops now; resolves once they are on disk. */
  async flush(): Promise<void> {
    if (this.deferred.length > 0) await this.commit([]);
  }

  private takeDeferred(): Op[] {
    const ops = this.deferred;
    this.deferred = [];
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    return ops;
  }

  private remember(ops: Op[]): void {
    for (const op of ops)
      this.overlay.set(`${op.aggregate}\u0000${op.key}`, op.type === "put" ? op.value : DELETED);
  }

  private async drain(): Promise<void> {
    // Let callers already in the event loop join this batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        // Deferred ops go first, so that on disk nothing committed later exists without them.
        const unsealed = [...this.takeDeferred(), ...group.flatMap((g) => g.ops)];
        // Each value is encoded once: the audit seal hashes the same text that is written.
        const texts = new Map<unknown, string>();
        const textOf = (value: unknown): string => {
          let text = texts.get(value);
          if (text === undefined) {
            text = JSON.stringify(value);
            texts.set(value, text);
          }
          return text;
        };
        const seal = this.sealer?.(unsealed, textOf) ?? [];
        this.remember(seal);
        const ops = lastWrites(seal.length > 0 ? [...unsealed, ...seal] : unsealed);
        // Straight to the root with the sublevel's prefix and the value's JSON text: the bytes
        // the sublevel's own put would write (keys utf8, values JSON), without its per-op work.
        await this.db.batch(
          ops.map((op) =>
            op.type === "put"
              ? {
                  type: "put" as const,
                  key: this.sub(op.aggregate).prefix + op.key,
                  value: textOf(op.value),
                  keyEncoding: "utf8",
                  valueEncoding: "utf8",
                }
              : {
                  type: "del" as const,
                  key: this.sub(op.aggregate).prefix + op.key,
                  keyEncoding: "utf8",
                },
          ),
          // classic-level honours `sync` (fsync before the batch resolves); abstract-level's types omit it.
          { sync: this.sync } as object,
        );
        this.batches++;
        this.written?.(ops);
        for (const op of ops) {
          const k = `${op.aggregate}\u0000${op.key}`;
          const v = op.type === "put" ? op.value : DELETED;
          if (this.overlay.get(k) === v) this.overlay.delete(k);
        }
        for (const g of group) g.resolve();
      } catch (error) {
        this.failure = error;
        for (const g of [...group, ...this.queue]) g.reject(error);
        this.queue = [];
      }
    }
    this.writing = null;
  }

  /**
   * A memtable flushed to a table keeps every version of a key it holds, and LevelDB's
   * CompactRange never rewrites the deepest table holding a key: the old value and its erasure
   * must not share a memtable. Waits for queued writes, then compacts an empty key range, which
   * flushes the memtable (CompactRange always does) and compacts nothing.
   */
  async settle(): Promise<void> {
    this.assertHealthy();
    if (!this.db.supports.additionalMethods.compactRange) return;
    await this.flush();
    if (this.writing) await this.writing;
    const db = this.db as unknown as { compactRange(start: string, end: string): Promise<void> };
    // No key sorts before the sublevels' "!" prefix: the range holds nothing.
    await db.compactRange("\u0000", "\u0000");
  }

  /**
   * LevelDB keeps an overwritten or deleted value in its log and table files until a compaction
   * merges it with the newer version. Compacts, for each aggregate named, the key span of the
   * records (memtable and log first, then every level down to the last holding them), which
   * drops their old values and deletes the files that held them; `settle` before the commit
   * made sure that the old values were in tables, not in the memtable with the new ones. A snapshot held meanwhile (a
   * backup being written) keeps what it sees until the next compaction. An in-memory database
   * has no files to purge.
   */
  async purge(records: readonly RecordRef[]): Promise<void> {
    this.assertHealthy();
    if (records.length === 0 || !this.db.supports.additionalMethods.compactRange) return;
    await this.flush();
    if (this.writing) await this.writing;
    const spans = new Map<Aggregate, { min: string; max: string }>();
    for (const { aggregate, key } of records) {
      const span = spans.get(aggregate);
      if (!span) spans.set(aggregate, { min: key, max: key });
      else {
        // Level orders keys as UTF-8 bytes.
        if (Buffer.compare(Buffer.from(key), Buffer.from(span.min)) < 0) span.min = key;
        if (Buffer.compare(Buffer.from(key), Buffer.from(span.max)) > 0) span.max = key;
      }
    }
    const db = this.db as unknown as { compactRange(start: string, end: string): Promise<void> };
    for (const [aggregate, { min, max }] of spans) {
      const prefix = this.sub(aggregate).prefix;
      await db.compactRange(`${prefix}${min}`, `${prefix}${max}\u0000`);
    }
  }

  /** Writes deferred ops, waits for queued writes, then closes the database. */
  async close(): Promise<void> {
    if (this.failure === null) await this.flush().catch(() => undefined);
    if (this.writing) await this.writing.catch(() => undefined);
    if (this.db.status === "open") await this.db.close();
  }

  private assertHealthy(): void {
    if (this.failure !== null)
      throw new Error("store failed on an earlier write; refusing to continue", {
        cause: this.failure,
      });
  }
}

/**
 * The ops of a batch with only the last write of each record kept (level applies a batch in
 * order, so the result on disk is the same, with less to encode and write): several
 * envelopes in one batch each write the inbox cursor, and their case.
 */
function lastWrites(ops: Op[]): Op[] {
  const last = new Map<string, number>();
  ops.forEach((op, i) => last.set(`${op.aggregate}\u0000${op.key}`, i));
  if (last.size === ops.length) return ops;
  return ops.filter((op, i) => last.get(`${op.aggregate}\u0000${op.key}`) === i);
}
