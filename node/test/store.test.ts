import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLevel } from "memory-level";
import { afterEach, describe, expect, it } from "vitest";
import { openLevel, pad, type RootDb } from "../src/store/db.js";
import { LevelStore as Store } from "../src/store/store.js";

/** One suite, run against every implementation of the root database. */
const implementations: Array<
  [string, () => Promise<{ db: RootDb; cleanup: () => Promise<void> }>]
> = [
  [
    "memory-level",
    () =>
      Promise.resolve({
        db: new MemoryLevel({ valueEncoding: "json" }) as unknown as RootDb,
        cleanup: () => Promise.resolve(),
      }),
  ],
  [
    "level (on disk, synced)",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "frx-store-"));
      return { db: openLevel(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(implementations)("Store on %s", (_, make) => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let store: Store;
  const open = async () => {
    const made = await make();
    cleanup = made.cleanup;
    store = new Store(made.db, true);
    await store.open();
    return store;
  };
  afterEach(async () => {
    await store?.close();
    await cleanup();
  });

  it("writes a cross-aggregate batch atomically and reads it back", async () => {
    await open();
    await store.commit([
      { type: "put", aggregate: "messages", key: "m1", value: { id: "m1" } },
      { type: "put", aggregate: "cases", key: "c1", value: { case: "c1" } },
    ]);
    expect(await store.get("messages", "m1")).toEqual({ id: "m1" });
    expect(await store.get("cases", "c1")).toEqual({ case: "c1" });
    expect(await store.get("messages", "c1")).toBeUndefined();
  });

  it("shows a queued write to readers before it reaches the disk, and deletes too", async () => {
    await open();
    const pending = store.commit([
      { type: "put", aggregate: "referrals", key: "r1", value: { state: "received" } },
    ]);
    expect(await store.get("referrals", "r1")).toEqual({ state: "received" });
    await pending;
    const deleting = store.commit([{ type: "del", aggregate: "referrals", key: "r1" }]);
    expect(await store.get("referrals", "r1")).toBeUndefined();
    await deleting;
    expect(await store.get("referrals", "r1")).toBeUndefined();
  });

  it("groups commits made together into fewer batches, losing none", async () => {
    await open();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.commit([{ type: "put", aggregate: "inbox", key: `p!${pad(i)}`, value: i }]),
      ),
    );
    expect(await store.range("inbox")).toHaveLength(100);
    expect(store.batches).toBeLessThan(100);
  });

  it("ranges in key order within bounds, with limits and in reverse", async () => {
    await open();
    await store.commit(
      ["b", "a", "c", "d"].map((k) => ({
        type: "put" as const,
        aggregate: "audit" as const,
        key: k,
        value: k,
      })),
    );
    expect((await store.range("audit", { gte: "b", lt: "d" })).map(([k]) => k)).toEqual(["b", "c"]);
    expect((await store.range("audit", { reverse: true, limit: 1 })).map(([k]) => k)).toEqual([
      "d",
    ]);
  });

  it("keeps aggregates apart: the same key in two sublevels holds two values", async () => {
    await open();
    await store.commit([
      { type: "put", aggregate: "jti", key: "k", value: 1 },
      { type: "put", aggregate: "meta", key: "k", value: 2 },
    ]);
    expect([await store.get("jti", "k"), await store.get("meta", "k")]).toEqual([1, 2]);
  });

  it("fails closed after a failed write: every later call throws", async () => {
    await open();
    const db = store.db as unknown as { batch: () => Promise<never> };
    db.batch = () => Promise.reject(new Error("disk full"));
    await expect(
      store.commit([{ type: "put", aggregate: "meta", key: "x", value: 1 }]),
    ).rejects.toThrow("disk full");
    expect(store.isOpen).toBe(false);
    await expect(store.get("meta", "x")).rejects.toThrow(/refusing to continue/);
  });
});
