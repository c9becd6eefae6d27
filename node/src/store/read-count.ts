import type { Aggregate } from "./db.js";
import type { Store } from "./interface.js";

/** What a store served since counting began: calls, and records read per aggregate. */
export interface StoreReads {
  /** Point reads (`get`), found or not. */
  gets: number;
  /** Key-ordered reads (`range` and `iterate`). */
  scans: number;
  /** Records read, points and scanned rows together, per aggregate. */
  rows: Partial<Record<Aggregate, number>>;
}

/** All records read, whatever the aggregate. */
export function totalRows(reads: StoreReads): number {
  return Object.values(reads.rows).reduce((a, b) => a + b, 0);
}

/**
 * Counts the reads `store` serves from now on, by wrapping its read methods in place (so a
 * node built on it still sees the same object, with its class). For benches and tests that
 * check what a request or a start reads: a read whose count grows with the store's size is a
 * scan. `reset` zeroes the counts.
 *
 * @example const reads = countReads(store); await createNode({ config, keys, store }); totalRows(reads)
 */
export function countReads(store: Store): StoreReads & { reset(): void } {
  const reads = {
    gets: 0,
    scans: 0,
    rows: {} as Partial<Record<Aggregate, number>>,
    reset() {
      reads.gets = 0;
      reads.scans = 0;
      reads.rows = {};
    },
  };
  const add = (aggregate: Aggregate, n: number) => {
    reads.rows[aggregate] = (reads.rows[aggregate] ?? 0) + n;
  };
  const get = store.get.bind(store);
  const range = store.range.bind(store);
  const iterate = store.iterate.bind(store);
  store.get = <T>(aggregate: Aggregate, key: string) => {
    reads.gets++;
    add(aggregate, 1);
    return get<T>(aggregate, key);
  };
  store.range = async <T>(aggregate: Aggregate, options?: Parameters<Store["range"]>[1]) => {
    reads.scans++;
    const rows = await range<T>(aggregate, options);
    add(aggregate, rows.length);
    return rows;
  };
  store.iterate = async function* <T>(
    aggregate: Aggregate,
    options?: Parameters<Store["iterate"]>[1],
  ): AsyncIterable<[string, T]> {
    reads.scans++;
    for await (const row of iterate<T>(aggregate, options)) {
      add(aggregate, 1);
      yield row;
    }
  };
  return reads;
}
