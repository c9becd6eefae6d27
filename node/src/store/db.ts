import type { AbstractLevel, AbstractSublevel } from "abstract-level";
import { Level } from "level";

/** The root database: `level` on disk in production, `memory-level` in tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RootDb = AbstractLevel<any, string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Sub = AbstractSublevel<RootDb, any, string, any>;

/** One sublevel per aggregate. The names are part of the on-disk format. */
export const AGGREGATES = [
  "participants",
  "keys",
  "messages",
  "cases",
  "timeline",
  "referrals",
  "investigations",
  "inbox",
  "deadlines",
  "audit",
  "checkpoints",
  "jti",
  "attachments",
  "registry",
  "meta",
  "trust",
  "peers",
  "outbox",
  "deliveries",
  "inboundTxns",
  "deadLetters",
  "operators",
  "remedies",
  "tracks",
  "erasureNotices",
] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/**
 * LevelDB keeps the index and filter blocks of every open table file in native memory, outside
 * its block cache, and maps each open table into memory: every page of it a read or a
 * compaction touched counts in the node's resident memory (as file-backed pages, which the
 * kernel can reclaim) until the table is closed. It keeps at least 64 tables open, whatever
 * `maxOpenFiles` says, so the size of a table is what bounds that part: 1 MiB files (the least
 * it allows; 2 MiB by default), and a 1 MiB write buffer, since a flushed memtable becomes one
 * level-0 table whatever `maxFileSize` says. With 2 MiB files the file-backed resident pages
 * of a node on a store of 20,000 messages reached 180 MB (49 on an empty store: the node's own
 * code); with 1 MiB, 81–91 (docs/performance.md). The
 * block cache is fixed too. The soak showed none of this was what made a node's memory creep
 * (glibc's per-thread arenas were: see docs/testing.md and MALLOC_ARENA_MAX in the operator
 * guide).
 */
const LEVEL_OPTIONS = {
  valueEncoding: "json",
  maxOpenFiles: 64,
  cacheSize: 8 * 1024 * 1024,
  maxFileSize: 1024 * 1024,
  writeBufferSize: 1024 * 1024,
} as const;

/** @example const db = openLevel(join(dir, "store")); await db.open() */
export function openLevel(location: string): RootDb {
  return new Level<string, unknown>(location, LEVEL_OPTIONS) as unknown as RootDb;
}

/** Fixed-width decimal so numeric keys sort in order. */
export function pad(n: number): string {
  return n.toString().padStart(16, "0");
}
