import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Aggregate } from "../db.js";
import type { Op, RangeOptions, RecordRef, Sealer, Store } from "../interface.js";
import { connect, createPool, lockSpace, migrate, parseStoreUrl, unreachable } from "./connect.js";
import type { PgTarget } from "./connect.js";
import { changeNotice, type ChangeNotice } from "./notice.js";
import { WriteLock } from "./write-lock.js";

const DELETED = Symbol("deleted");
const PAGE = 500;

export interface PgStoreOptions {
  deferMs?: number;
  /** Read connections (the writer has its own). */
  poolSize?: number;
}

/**
 * The node's store on PostgreSQL, for one node or several replicas of it sharing a database.
 * Same contract as LevelStore: grouped commits, each group one transaction; an overlay so a
 * sequential applier sees its own queued writes; deferred ops; fail closed after a failed
 * write. Writes happen under the cluster write lock (WriteLock); `stale` runs when the lock is
 * taken after another replica wrote, so the node reloads what it caches (the audit head, the
 * cursors). Each transaction NOTIFYs the other replicas of what it changed.
 */
export class PgStore implements Store {
  readonly target: PgTarget;
  /** This process's id in change notices, to tell its own from other replicas'. */
  readonly replica = randomBytes(6).toString("hex");
  private pool: pg.Pool | null = null;
  private writer: pg.Client | null = null;
  private lock: WriteLock | null = null;
  private generation = -1;
  private readonly overlay = new Map<string, unknown>();
  private queue: Array<{ ops: Op[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;
  private opened = false;
  private readonly active = new Set<Promise<void>>();
  private deferred: Op[] = [];
  private deferTimer: ReturnType<typeof setTimeout> | undefined;
  private sealer: Sealer | null = null;
  private written: ((ops: readonly Op[]) => void) | null = null;
  /** Called with the lock held when another replica has written since this one last did. */
  stale: () => Promise<void> = () => Promise.resolve();
  batches = 0;

  constructor(
    url: string,
    private readonly options: PgStoreOptions = {},
  ) {
    this.target = parseStoreUrl(url);
  }

  get channel(): string {
    return `frx_${this.target.schema}`;
  }

  /** The application_name of the writer session (tests end it to make writes fail). */
  get writerName(): string {
    return `frx-writer-${this.replica}`;
  }

  async open(): Promise<void> {
    const writer = await connect(this.target);
    try {
      await migrate(writer, this.target.schema);
      await writer.query(`SET application_name TO '${this.writerName}'`);
      this.pool = createPool(this.target, this.options.poolSize ?? 4);
      this.pool.on("error", () => undefined); // an idle read connection lost is replaced
      await this.pool.query("SELECT 1").catch((e: unknown) => {
        throw unreachable(this.target, e);
      });
    } catch (error) {
      await writer.end().catch(() => undefined);
      await this.pool?.end().catch(() => undefined);
      throw error;
    }
    writer.on("error", (error) => this.fail(error));
    this.writer = writer;
    this.lock = new WriteLock(
      writer,
      lockSpace(this.target.schema),
      () => this.taken(),
      () => this.settled(),
    );
    this.opened = true;
  }

  get isOpen(): boolean {
    return this.opened && this.failure === null;
  }

  hooks(seal: Sealer, written?: (ops: readonly Op[]) => void): void {
    this.sealer = seal;
    this.written = written ?? null;
  }

  /** Runs `task` holding the cluster write lock (the node's serial queue does). */
  locked<T>(task: () => Promise<T> | T): Promise<T> {
    this.assertHealthy();
    const run = (async () => {
      await this.lock!.enter();
      try {
        return await task();
      } finally {
        this.lock!.leave();
      }
    })();
    // close() lets these finish before it ends the writer's session.
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.active.add(settled);
    void settled.then(() => this.active.delete(settled));
    return run;
  }

  async get<T>(aggregate: Aggregate, key: string): Promise<T | undefined> {
    this.assertHealthy();
    const pending = this.overlay.get(`${aggregate}\u0000${key}`);
    if (pending === DELETED) return undefined;
    if (pending !== undefined) return pending as T;
    const { rows } = await this.read<{ value: string }>(
      "SELECT value FROM records WHERE aggregate = $1 AND key = $2",
      [aggregate, Buffer.from(key)],
    );
    return rows[0] ? (JSON.parse(rows[0].value) as T) : undefined;
  }

  async range<T>(aggregate: Aggregate, options: RangeOptions = {}): Promise<Array<[string, T]>> {
    this.assertHealthy();
    const { sql, params } = rangeQuery("key, value", aggregate, options);
    const { rows } = await this.read<{ key: Buffer; value: string }>(sql, params);
    return rows.map((r) => [r.key.toString("utf8"), JSON.parse(r.value) as T]);
  }

  async keys(aggregate: Aggregate, options: RangeOptions = {}): Promise<string[]> {
    this.assertHealthy();
    const { sql, params } = rangeQuery("key", aggregate, options);
    const { rows } = await this.read<{ key: Buffer }>(sql, params);
    return rows.map((r) => r.key.toString("utf8"));
  }

  async *iterate<T>(aggregate: Aggregate, options: RangeOptions = {}): AsyncIterable<[string, T]> {
    let left = options.limit !== undefined && options.limit >= 0 ? options.limit : Infinity;
    let bounds: RangeOptions = { ...options };
    while (left > 0) {
      const page = await this.range<T>(aggregate, { ...bounds, limit: Math.min(PAGE, left) });
      for (const entry of page) yield entry;
      if (page.length < PAGE) return;
      left -= page.length;
      const last = page[page.length - 1]![0];
      bounds = options.reverse
        ? { ...bounds, lt: last, lte: undefined }
        : { ...bounds, gt: last, gte: undefined };
    }
  }

  /**
   * Queues the ops for the next grouped transaction (sealed as a whole when it is written);
   * resolves once it is committed.
   */
  commit(ops: Op[]): Promise<void> {
    this.assertHealthy();
    this.remember(ops);
    if (this.lock!.holding) return this.enqueue(ops);
    // Outside the serial queue (a job, a reply): take the lock first, so that the audit entry
    // sealing these ops chains onto the database's head, not a stale one.
    return this.locked(() => this.enqueue(ops));
  }

  defer(ops: Op[]): void {
    this.assertHealthy();
    this.remember(ops);
    this.deferred.push(...ops);
    this.deferTimer ??= setTimeout(() => {
      this.deferTimer = undefined;
      if (this.deferred.length > 0 && this.failure === null) this.commit([]).catch(() => undefined);
    }, this.options.deferMs ?? 1000);
    this.deferTimer.unref?.();
  }

  async flush(): Promise<void> {
    if (this.deferred.length > 0) await this.commit([]);
  }

  private enqueue(ops: Op[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
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
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0 && this.failure === null) {
      const group = this.queue;
      this.queue = [];
      try {
        // Sealed as a whole, as LevelStore seals a batch: one audit state entry per
        // transaction, appended with the write lock held, so it chains on the shared head.
        // Deferred ops go first, so that nothing committed later exists without them.
        const unsealed = [...this.takeDeferred(), ...group.flatMap((g) => g.ops)];
        const seal = this.sealer?.(unsealed) ?? [];
        this.remember(seal);
        const ops = seal.length > 0 ? [...unsealed, ...seal] : unsealed;
        await this.transaction(ops);
        this.batches++;
        this.written?.(ops);
        for (const op of ops) {
          const k = `${op.aggregate}\u0000${op.key}`;
          if (this.overlay.get(k) === (op.type === "put" ? op.value : DELETED))
            this.overlay.delete(k);
        }
        for (const g of group) g.resolve();
      } catch (error) {
        this.fail(error);
        for (const g of group) g.reject(error);
      }
    }
    this.writing = null;
    this.lock?.poke();
  }

  /** One transaction: the last op per key wins, as in a level batch. */
  private async transaction(ops: readonly Op[]): Promise<void> {
    const last = new Map<string, Op>();
    for (const op of ops) last.set(`${op.aggregate}\u0000${op.key}`, op);
    const puts = [...last.values()].filter((op) => op.type === "put");
    const dels = [...last.values()].filter((op) => op.type === "del");
    const client = this.writer!;
    await client.query("BEGIN");
    try {
      if (puts.length > 0)
        await client.query(
          `INSERT INTO records (aggregate, key, value)
           SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[])
           ON CONFLICT (aggregate, key) DO UPDATE SET value = EXCLUDED.value`,
          [
            puts.map((op) => op.aggregate),
            puts.map((op) => Buffer.from(op.key)),
            puts.map((op) => JSON.stringify(op.value)),
          ],
        );
      if (dels.length > 0)
        await client.query(
          `DELETE FROM records WHERE (aggregate, key) IN
           (SELECT * FROM unnest($1::text[], $2::bytea[]))`,
          [dels.map((op) => op.aggregate), dels.map((op) => Buffer.from(op.key))],
        );
      const { rows } = await client.query<{ n: string }>(
        "UPDATE generation SET n = n + 1 WHERE id = 1 RETURNING n",
      );
      const notice: ChangeNotice = changeNotice(this.replica, ops);
      await client.query("SELECT pg_notify($1, $2)", [this.channel, JSON.stringify(notice)]);
      await client.query("COMMIT");
      this.generation = Number(rows[0]!.n);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  /** With the lock just taken: has anyone else written since this replica last did? */
  private async taken(): Promise<void> {
    const { rows } = await this.writer!.query<{ n: string }>(
      "SELECT n FROM generation WHERE id = 1",
    );
    const n = Number(rows[0]!.n);
    if (n !== this.generation) {
      await this.stale();
      this.generation = n;
    }
  }

  private settled(): boolean {
    if (this.failure !== null) return true;
    if (this.queue.length > 0 || this.writing) return false;
    if (this.deferred.length > 0) {
      // Deferred ops hold audit entries chained on this replica's head: write them before
      // another replica extends the chain.
      this.enqueue([]).catch(() => undefined);
      return false;
    }
    return true;
  }

  private async read<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool!.query<R>(sql, params);
    } catch (error) {
      throw unreachable(this.target, error);
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const g of this.queue) g.reject(error);
    this.queue = [];
    // Ending the session lets the write lock pass to another replica.
    void this.writer?.end().catch(() => undefined);
  }

  /** Committed durably like any other ops: replicas share the replay store through the database. */
  commitUnsynced(ops: Op[]): Promise<void> {
    return this.commit(ops);
  }

  /** Nothing to do: PostgreSQL keeps row versions apart (purge vacuums them). */
  settle(): Promise<void> {
    this.assertHealthy();
    return Promise.resolve();
  }

  /**
   * An UPDATE or DELETE leaves the old row version in the table until VACUUM removes it, and
   * in the write-ahead log until that segment is recycled: vacuums the records table, so no
   * query, replica or later `pg_dump` sees the old values. Bytes of removed row versions may
   * stay in free space of the table's pages and in WAL segments and archives until they are
   * overwritten (docs/data-protection.md, erasure on PostgreSQL).
   */
  async purge(records: readonly RecordRef[]): Promise<void> {
    this.assertHealthy();
    if (records.length === 0) return;
    await this.flush();
    if (this.writing) await this.writing;
    await this.pool!.query(`VACUUM ${this.target.schema}.records`);
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    await Promise.all([...this.active]);
    if (this.failure === null) await this.flush().catch(() => undefined);
    if (this.writing) await this.writing.catch(() => undefined);
    this.opened = false;
    clearTimeout(this.deferTimer);
    await this.writer?.end().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
  }

  private assertHealthy(): void {
    if (this.failure !== null)
      throw new Error("store failed on an earlier write; refusing to continue", {
        cause: this.failure,
      });
    if (!this.opened) throw new Error("the PostgreSQL store is not open");
  }
}

/** The SELECT of `columns` for a key-ordered read of one aggregate within the bounds. */
function rangeQuery(
  columns: string,
  aggregate: Aggregate,
  options: RangeOptions,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [aggregate];
  const where = ["aggregate = $1"];
  const bound = (op: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(Buffer.from(value));
    where.push(`key ${op} $${params.length}`);
  };
  bound(">=", options.gte);
  bound(">", options.gt);
  bound("<", options.lt);
  bound("<=", options.lte);
  let sql = `SELECT ${columns} FROM records WHERE ${where.join(" AND ")} ORDER BY key ${
    options.reverse ? "DESC" : "ASC"
  }`;
  if (options.limit !== undefined && options.limit >= 0) {
    params.push(options.limit);
    sql += ` LIMIT $${params.length}`;
  }
  return { sql, params };
}
