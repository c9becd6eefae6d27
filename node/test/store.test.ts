import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLevel } from "memory-level";
import { afterEach, describe, expect, it } from "vitest";
import { openLevel, pad, type RootDb } from "../src/store/db.js";
import type { Op, Store } from "../src/store/interface.js";
import { PgStore } from "../src/store/postgres/pg-store.js";
import { LevelStore } from "../src/store/store.js";
import { dropSchema, freshStoreUrl, noticeIfNoPg, PG_URL, sql } from "./postgres/pg.js";

/** A store to test, and how to make its next write fail for real. */
interface Made {
  store: Store;
  /** Breaks the store's storage under it, so that the next write fails. */
  sabotage: () => Promise<void>;
  cleanup: () => Promise<void>;
}

function level(db: RootDb, cleanup: () => Promise<void>): Made {
  const store = new LevelStore(db, true, 50);
  return {
    store,
    sabotage: async () => {
      const raw = store.db as unknown as { batch: () => Promise<never> };
      raw.batch = () => Promise.reject(new Error("disk full"));
      await Promise.resolve();
    },
    cleanup,
  };
}

/** The store compliance suite: every implementation of the Store interface passes it. */
const implementations: Array<[string, boolean, () => Promise<Made>]> = [
  [
    "memory-level",
    true,
    () =>
      Promise.resolve(
        level(new MemoryLevel({ valueEncoding: "json" }) as unknown as RootDb, () =>
          Promise.resolve(),
        ),
      ),
  ],
  [
    "level (on disk, synced)",
    true,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "frx-store-"));
      return level(openLevel(dir), () => rm(dir, { recursive: true, force: true }));
    },
  ],
  [
    "PostgreSQL",
    !!PG_URL,
    () => {
      const { url, schema } = freshStoreUrl();
      const store = new PgStore(url, { deferMs: 50 });
      return Promise.resolve({
        store,
        // Ends the writer's session from the server side, as a failover or a DBA would.
        sabotage: async () => {
          await sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            [store.writerName],
          );
        },
        cleanup: () => dropSchema(schema),
      });
    },
  ],
];
noticeIfNoPg("store compliance");

const put = (aggregate: Op["aggregate"], key: string, value: unknown): Op => ({
  type: "put",
  aggregate,
  key,
  value,
});

describe.each(implementations)("Store on %s", (_, available, make) => {
  let made: Made | undefined;
  let store: Store;
  const open = async () => {
    made = await make();
    store = made.store;
    await store.open();
    return store;
  };
  afterEach(async () => {
    await made?.store.close();
    await made?.cleanup();
    made = undefined;
  });

  it.skipIf(!available)("writes a cross-aggregate batch atomically and reads it back", async () => {
    await open();
    await store.commit([put("messages", "m1", { id: "m1" }), put("cases", "c1", { case: "c1" })]);
    expect(await store.get("messages", "m1")).toEqual({ id: "m1" });
    expect(await store.get("cases", "c1")).toEqual({ case: "c1" });
    expect(await store.get("messages", "c1")).toBeUndefined();
  });

  it.skipIf(!available)(
    "shows a queued write to readers before it is written, and deletes too",
    async () => {
      await open();
      const pending = store.commit([put("referrals", "r1", { state: "received" })]);
      expect(await store.get("referrals", "r1")).toEqual({ state: "received" });
      await pending;
      const deleting = store.commit([{ type: "del", aggregate: "referrals", key: "r1" }]);
      expect(await store.get("referrals", "r1")).toBeUndefined();
      await deleting;
      expect(await store.get("referrals", "r1")).toBeUndefined();
      expect(await store.range("referrals")).toEqual([]);
    },
  );

  it.skipIf(!available)("applies the last op on a key within one commit", async () => {
    await open();
    await store.commit([
      put("meta", "a", 1),
      { type: "del", aggregate: "meta", key: "a" },
      { type: "del", aggregate: "meta", key: "b" },
      put("meta", "b", 2),
    ]);
    expect(await store.range("meta")).toEqual([["b", 2]]);
  });

  it.skipIf(!available)(
    "groups commits made together into fewer batches, losing none",
    async () => {
      await open();
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.commit([put("inbox", `p!${pad(i)}`, i)])),
      );
      expect(await store.range("inbox")).toHaveLength(100);
      expect(store.batches).toBeLessThan(100);
    },
  );

  it.skipIf(!available)(
    "ranges in key order within bounds, with limits and in reverse",
    async () => {
      await open();
      await store.commit(["b", "a", "c", "d"].map((k) => put("audit", k, k)));
      expect((await store.range("audit", { gte: "b", lt: "d" })).map(([k]) => k)).toEqual([
        "b",
        "c",
      ]);
      expect((await store.range("audit", { gt: "b", lte: "d" })).map(([k]) => k)).toEqual([
        "c",
        "d",
      ]);
      expect((await store.range("audit", { reverse: true, limit: 1 })).map(([k]) => k)).toEqual([
        "d",
      ]);
    },
  );

  it.skipIf(!available)(
    "lists the keys alone as range would, within bounds, with limits and in reverse",
    async () => {
      await open();
      await store.commit(["b", "a", "c", "d", "bb"].map((k) => put("audit", k, k)));
      expect(await store.keys("audit", { gte: "b", lt: "d" })).toEqual(["b", "bb", "c"]);
      for (const o of [{ gt: "b", lte: "d" }, { reverse: true, limit: 2 }, {}])
        expect(await store.keys("audit", o)).toEqual(
          (await store.range("audit", o)).map(([k]) => k),
        );
      expect(await store.keys("meta")).toEqual([]);
    },
  );

  it.skipIf(!available)(
    "orders keys by their UTF-8 bytes, NUL and non-ASCII included, as level does",
    async () => {
      await open();
      const keys = ["a\u0000b", "a", "a!", "a~", "é", "Z", "ก", "a\u0000"];
      await store.commit(keys.map((k) => put("jti", k, k)));
      const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect((await store.range("jti")).map(([k]) => k)).toEqual(byBytes);
      expect(
        (await store.range("jti", { gte: "a\u0000", lt: "a\u0000~" })).map(([k]) => k),
      ).toEqual(["a\u0000", "a\u0000b"]);
      expect(await store.get("jti", "a\u0000b")).toBe("a\u0000b");
    },
  );

  it.skipIf(!available)("streams a long range in order with iterate, both ways", async () => {
    await open();
    const n = 1234;
    await store.commit(Array.from({ length: n }, (_, i) => put("messages", pad(i), { i })));
    const forward: string[] = [];
    for await (const [key] of store.iterate("messages", { gte: pad(10) })) forward.push(key);
    expect(forward).toEqual(Array.from({ length: n - 10 }, (_, i) => pad(i + 10)));
    const backward: string[] = [];
    for await (const [key] of store.iterate("messages", { reverse: true, limit: 700 }))
      backward.push(key);
    expect(backward).toEqual(Array.from({ length: 700 }, (_, i) => pad(n - 1 - i)));
  });

  it.skipIf(!available)(
    "keeps aggregates apart: one key in two aggregates holds two values",
    async () => {
      await open();
      await store.commit([put("jti", "k", 1), put("meta", "k", 2)]);
      expect([await store.get("jti", "k"), await store.get("meta", "k")]).toEqual([1, 2]);
    },
  );

  it.skipIf(!available)(
    "shows deferred ops at once, writes them before a later commit's ops, and alone after a while",
    async () => {
      await open();
      store.defer([put("audit", "refusal-1", { kind: "refused" })]);
      expect(await store.get("audit", "refusal-1")).toEqual({ kind: "refused" });
      await store.commit([put("audit", "accepted-2", { kind: "accepted" })]);
      expect((await store.range("audit")).map(([k]) => k)).toEqual(["accepted-2", "refusal-1"]);
      store.defer([put("audit", "refusal-3", { kind: "refused" })]);
      // Nobody commits: the deferred op is written on its own (deferMs is 50 here).
      await expect
        .poll(async () => (await store.range("audit", { gte: "refusal-3" })).length)
        .toBe(1);
      await store.flush();
    },
  );

  it.skipIf(!available)(
    "commitUnsynced: readable once it resolves, deletes too, and kept with later commits",
    async () => {
      await open();
      await store.commitUnsynced([put("jti", "TH:DOE\u0000a", 1), put("jti", "TH:DOE\u0000b", 2)]);
      expect(await store.get("jti", "TH:DOE\u0000a")).toBe(1);
      await store.commitUnsynced([{ type: "del", aggregate: "jti", key: "TH:DOE\u0000a" }]);
      await store.commit([put("meta", "after", 1)]);
      expect(await store.range("jti")).toEqual([["TH:DOE\u0000b", 2]]);
      expect(await store.get("meta", "after")).toBe(1);
    },
  );

  it.skipIf(!available)(
    "settle and purge: keep the current values readable, and writes after them",
    async () => {
      await open();
      await store.commit([put("messages", "m1", { jws: "old" }), put("outbox", "q!1", { a: 1 })]);
      await store.settle();
      await store.commit([
        put("messages", "m1", { jws: "" }),
        { type: "del", aggregate: "outbox", key: "q!1" },
      ]);
      await store.purge([
        { aggregate: "messages", key: "m1" },
        { aggregate: "outbox", key: "q!1" },
      ]);
      expect(await store.get("messages", "m1")).toEqual({ jws: "" });
      expect(await store.get("outbox", "q!1")).toBeUndefined();
      await store.commit([put("messages", "m2", { jws: "new" })]);
      expect((await store.range("messages")).map(([k]) => k)).toEqual(["m1", "m2"]);
    },
  );

  it.skipIf(!available)("seals every commit with the hook's ops in the same batch", async () => {
    await open();
    let n = 0;
    const written: number[] = [];
    store.hooks(
      (ops) => (ops.length > 0 ? [put("checkpoints", `seal-${++n}`, ops.length)] : []),
      (ops) => written.push(ops.length),
    );
    await store.commit([put("cases", "c", 1), put("timeline", "c!1", 1)]);
    expect(await store.get("checkpoints", "seal-1")).toBe(2);
    expect(written).toEqual([3]);
  });

  it.skipIf(!available)("fails closed after a failed write: every later call throws", async () => {
    await open();
    await store.commit([put("meta", "before", 1)]);
    await made!.sabotage();
    // The failure may be seen by this write or, on PostgreSQL, by the lost session before it.
    await expect(async () => store.commit([put("meta", "x", 1)])).rejects.toThrow();
    expect(store.isOpen).toBe(false);
    await expect(store.get("meta", "before")).rejects.toThrow(/refusing to continue/);
    expect(() => store.defer([put("meta", "y", 1)])).toThrow(/refusing to continue/);
  });
});
