import type { Aggregate } from "./db.js";

export interface PutOp {
  type: "put";
  aggregate: Aggregate;
  key: string;
  value: unknown;
}
export interface DelOp {
  type: "del";
  aggregate: Aggregate;
  key: string;
}
export type Op = PutOp | DelOp;

/**
 * Makes the ops that record a batch. `textOf` gives a value's JSON text as the store will write
 * it (JSON.stringify), so a store that encodes each value once can share that text with the
 * hash of it.
 */
export type Sealer = (ops: readonly Op[], textOf?: (value: unknown) => string) => Op[];

/** Bounds of a key-ordered read: keys compare as UTF-8 bytes, as level's do. */
export interface RangeOptions {
  gte?: string;
  gt?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
}

/**
 * What the node needs of its store, whichever database holds it: one keyspace per aggregate;
 * every cross-aggregate change committed atomically and durably before `commit` resolves;
 * committed-but-unwritten values visible to `get` at once (the overlay), so a sequential
 * applier sees its own earlier writes; ops nothing acknowledged depends on deferred to ride on
 * the next commit; and after a failed write, every later call throws (fail closed).
 *
 * Implementations: `LevelStore` (store.ts, the default, embedded) and `PgStore`
 * (postgres/pg-store.ts, for replicas sharing one PostgreSQL database).
 */
export interface Store {
  /** Open, and no write has failed. */
  readonly isOpen: boolean;
  /** Batches written so far (a metric). */
  readonly batches: number;
  open(): Promise<void>;
  /** Writes deferred ops, waits for queued writes, then closes. */
  close(): Promise<void>;
  /**
   * `seal` adds to every commit the ops that record it (the audit log's state entry), in the
   * same batch; `written` hears of each batch once it is durable.
   */
  hooks(seal: Sealer, written?: (ops: readonly Op[]) => void): void;
  get<T>(aggregate: Aggregate, key: string): Promise<T | undefined>;
  /** Values in key order within the bounds, committed ones only. */
  range<T>(aggregate: Aggregate, options?: RangeOptions): Promise<Array<[string, T]>>;
  /** The keys alone, in key order within the bounds, committed ones only: no value is read or decoded. */
  keys(aggregate: Aggregate, options?: RangeOptions): Promise<string[]>;
  /** Like range, but streamed in pages: for reads that need not fit in memory at once. */
  iterate<T>(aggregate: Aggregate, options?: RangeOptions): AsyncIterable<[string, T]>;
  /** Queues the ops for the next grouped batch; resolves once they are durable. */
  commit(ops: Op[]): Promise<void>;
  /**
   * Writes the ops at once, without waiting for the disk: once it resolves they are in the
   * operating system's hands and survive the node's process being killed, but a power failure
   * or an operating-system crash before the next synced write may lose them. Only for records
   * whose loss in such a crash the caller covers otherwise (the token replay store,
   * FRX-API-032). A store without that distinction commits them durably.
   */
  commitUnsynced(ops: Op[]): Promise<void>;
  /** Ops visible at once, written with the next commit or alone after a while. */
  defer(ops: Op[]): void;
  /** Writes the deferred ops now; resolves once they are durable. */
  flush(): Promise<void>;
  /**
   * Before an erasure's commit: waits for queued writes and moves what is written out of the
   * database's memory tables into its files, so that the values to be erased and their
   * replacements are never in one memory table (which a purge could not separate).
   */
  settle(): Promise<void>;
  /**
   * After an erasure's commit: rewrites the database's own files so that no earlier version of
   * these records is left in them (FRX-DP-018); once it resolves, their old values are gone.
   */
  purge(records: readonly RecordRef[]): Promise<void>;
}

/** One record of an aggregate. */
export interface RecordRef {
  aggregate: Aggregate;
  key: string;
}
