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
 * its block cache; a fixed table budget (64 files, about 128 MB of store; larger stores reopen
 * tables on cold reads) and a fixed block cache bound that part. The soak showed it was not what
 * made a node's memory creep (glibc's per-thread arenas were: see docs/testing.md and
 * MALLOC_ARENA_MAX in the operator guide); the budget stays as a bound, not as that fix.
 */
const LEVEL_OPTIONS = {
  valueEncoding: "json",
  maxOpenFiles: 64,
  cacheSize: 8 * 1024 * 1024,
} as const;

/** @example const db = openLevel(join(dir, "store")); await db.open() */
export function openLevel(location: string): RootDb {
  return new Level<string, unknown>(location, LEVEL_OPTIONS) as unknown as RootDb;
}

/** Fixed-width decimal so numeric keys sort in order. */
export function pad(n: number): string {
  return n.toString().padStart(16, "0");
}
