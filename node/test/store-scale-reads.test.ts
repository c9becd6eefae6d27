// What a start, an inbox page and a case view read on a store holding many messages: the
// counts must not grow with the store (issue 15: nothing at start may scan every message, and a
// read costs its page, not the store). Each check runs on a small and a ten times larger store.
import { MemoryLevel } from "memory-level";
import { afterEach, describe, expect, it } from "vitest";
import { scaleOps, type ScaleState } from "../src/bench/scale-records.js";
import {
  createNode,
  LevelStore,
  MemoryAttachmentStore,
  memoryLogger,
  type FrxNode,
} from "../src/index.js";
import type { RootDb } from "../src/store/db.js";
import type { Op } from "../src/store/interface.js";
import { countReads, totalRows, type StoreReads } from "../src/store/read-count.js";
import { fixture, testDataKeys, thaiNode, withHelpers, type TestNode } from "./harness.js";

const open: FrxNode[] = [];
afterEach(async () => {
  for (const node of open.splice(0)) await node.close();
});

/**
 * A Thai node whose store holds `messages` generated messages (cases of 20, each to two
 * agencies), closed and opened again on a store that counts its reads; started, listening on
 * loopback. Returns the reads of the start and the node, with the counts zeroed.
 */
async function largeNode(messages: number) {
  const db = new MemoryLevel({ valueEncoding: "json" }) as unknown as RootDb;
  const first = await thaiNode({ host: "127.0.0.1" }, db);
  const state: ScaleState = { cursor: first.node.ctx.cursor.value, cases: 0, sampleCases: [] };
  const layout = {
    participants: [...first.agencies.keys()],
    jwsPool: [first.sign(fixture("referral.create"))],
    messages,
    perCase: 20,
    dataKeys: first.node.ctx.dataKeys,
    cursor: state.cursor,
  };
  let batch: Op[] = [];
  for (const op of scaleOps(layout, state)) {
    batch.push(op);
    if (batch.length >= 500) {
      await first.node.ctx.store.commit(batch);
      batch = [];
    }
  }
  await first.node.ctx.store.commit(batch);
  await first.node.close();

  const store = new LevelStore(db, false);
  const reads = countReads(store);
  const node = await createNode({
    config: first.config,
    keys: first.node.ctx.keys,
    store,
    attachments: new MemoryAttachmentStore(),
    dataKeys: testDataKeys,
    clock: first.clock,
    logger: memoryLogger(),
  });
  open.push(node);
  await node.start();
  const start = snapshot(reads);
  reads.reset();
  const t: TestNode = withHelpers({ ...first, node });
  return { t, reads, start, state };
}

function snapshot(reads: StoreReads) {
  return { rows: { ...reads.rows }, total: totalRows(reads) };
}

describe("a node holding many messages", () => {
  it("reads none of its messages, inbox items, timeline lines or cases at start, and as much on a store ten times larger", async () => {
    const small = await largeNode(60);
    const large = await largeNode(600);
    for (const bulk of ["messages", "inbox", "timeline", "cases"] as const) {
      expect(small.start.rows[bulk] ?? 0).toBe(0);
      expect(large.start.rows[bulk] ?? 0).toBe(0);
    }
    expect(large.start.total).toBe(small.start.total);
  });

  it("reads one page of an inbox (its items and their messages), however long the inbox", async () => {
    const counts = [];
    for (const messages of [60, 600]) {
      const { t, reads, state } = await largeNode(messages);
      // A quarter into the inbox: TH:DSDW receives one in three messages, so ten follow.
      const after = Math.floor(state.cursor / 4);
      const res = await t.as("TH:DSDW", `/v1/inbox?after=${after}&limit=10`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: Array<{ jws?: string }> };
      expect(body.items).toHaveLength(10);
      expect(body.items.every((i) => typeof i.jws === "string")).toBe(true);
      expect(reads.rows.inbox).toBe(10);
      expect(reads.rows.messages).toBe(10);
      counts.push(totalRows(reads));
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it("reads a case's own records for its view, however many cases the store holds", async () => {
    const counts = [];
    for (const messages of [60, 600]) {
      const { t, reads, state } = await largeNode(messages);
      const { case: id, party } = state.sampleCases[0]!;
      const res = await t.as(party, `/v1/cases/${encodeURIComponent(id)}`);
      expect(res.status).toBe(200);
      // The view shows the caller's lines of the case; the node reads the case's 20 to choose them.
      expect(((await res.json()) as { timeline: unknown[] }).timeline.length).toBeGreaterThan(0);
      expect(reads.rows.timeline).toBe(20);
      expect(reads.rows.cases).toBe(1);
      counts.push(totalRows(reads));
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
