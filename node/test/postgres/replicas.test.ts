import { afterEach, describe, expect, it } from "vitest";
import { nodePublicKeys } from "../../src/config/keys.js";
import { verifyAudit } from "../../src/domain/audit.js";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  ManualClock,
  MemoryAttachmentStore,
  memoryLogger,
  type FrxNode,
} from "../../src/index.js";
import type { AuditEntry, InboxItem } from "../../src/store/records.js";
import { FIXTURE_TIME, fixture, thaiNode, withHelpers, type TestNode } from "../harness.js";
import { dropSchema, freshStoreUrl, noticeIfNoPg, PG_URL } from "./pg.js";

noticeIfNoPg("replicas in one process");

type Receipted = { status: string; receipt: string };

let nodes: FrxNode[] = [];
let schema = "";
afterEach(async () => {
  for (const n of nodes.reverse()) await n.close();
  nodes = [];
  if (schema) await dropSchema(schema);
  schema = "";
});

/** Two replicas of one TH node sharing a PostgreSQL schema, each with its own serial queue. */
async function twoReplicas(): Promise<[TestNode, TestNode]> {
  const fresh = freshStoreUrl();
  schema = fresh.schema;
  // The first replica registers the agencies (the harness does), the second finds them.
  const first = await thaiNode({ store: fresh.url });
  nodes.push(first.node);
  const clock = new ManualClock(FIXTURE_TIME);
  const logger = memoryLogger();
  const node = await createNode({
    config: first.config,
    keys: first.node.ctx.keys,
    attachments: new MemoryAttachmentStore(),
    clock,
    logger,
  });
  nodes.push(node);
  const second = withHelpers({
    node,
    clock,
    agencies: first.agencies,
    logger,
    db: first.db,
    config: node.ctx.config,
  });
  return [first, second];
}

describe.skipIf(!PG_URL)("replicas of one node on one PostgreSQL database", () => {
  it("either replica accepts a submission; the other answers its duplicate with the same receipt", async () => {
    const [a, b] = await twoReplicas();
    const jws = a.sign(fixture("referral.create"));
    const first = await a.submit(jws);
    expect(first.status).toBe(201);
    const again = await b.submit(jws);
    expect(again.status).toBe(200);
    const [one, two] = [(await first.json()) as Receipted, (await again.json()) as Receipted];
    expect([one.status, two.status]).toEqual(["accepted", "duplicate"]);
    expect(two.receipt).toBe(one.receipt);
    // Applied once: one inbox item for the referral's recipient, wherever it is read.
    const items = await b.node.ctx.store.range<InboxItem>("inbox");
    expect(items.filter(([, i]) => i.messageId === fixture("referral.create").id)).toHaveLength(1);
  });

  it("keeps one audit chain and one inbox cursor sequence while both replicas write at once", async () => {
    const [a, b] = await twoReplicas();
    const base = fixture("case.notify");
    const sends = Array.from({ length: 40 }, (_, i) => {
      const t = i % 2 === 0 ? a : b;
      const id = `01J0000000000000000000${String(i).padStart(4, "0")}`;
      return t.submit(
        t.sign({
          ...base,
          id,
          to: [{ participant: "TH:DSDW" }],
          purpose: "case_coordination",
        }),
      );
    });
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const cursors = (await a.node.ctx.store.range<InboxItem>("inbox")).map(([, i]) => i.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    const report = await verifyAudit(a.node.ctx.store, nodePublicKeys(a.node.ctx.keys).signing);
    expect(report).toMatchObject({ ok: true });
    const entries = await a.node.ctx.store.range<AuditEntry>("audit");
    expect(entries.map(([, e]) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  });

  it("wakes a long-poll held by one replica when the other stores the message", async () => {
    const [a, b] = await twoReplicas();
    await b.node.start(); // the replica's LISTEN starts with it
    // Unwoken, this poll would answer after 30 s, past the test's time limit.
    const waiting = b.as("TH:DSDW", "/v1/inbox?wait=30000");
    // Let the poll reach its wait before the message is sent.
    await expect.poll(() => b.node.ctx.inboxSignal["waiters"].get("TH:DSDW")?.size ?? 0).toBe(1);
    expect((await a.submit(a.sign(fixture("referral.create")))).status).toBe(201);
    const body = (await (await waiting).json()) as { items: Array<{ messageId: string }> };
    expect(body.items.map((i) => i.messageId)).toEqual([fixture("referral.create").id]);
  });

  it("runs the outbox and the scheduler on one replica at a time, and moves them when it stops", async () => {
    const [a, b] = await twoReplicas();
    await a.node.start();
    await b.node.start();
    const held = (n: FrxNode) => n.replicaLeases();
    await expect
      .poll(() => [...held(a.node), ...held(b.node)].sort())
      .toEqual(["deadline-scheduler", "outbox"]);
    // Each lease on exactly one replica (they may be split between the two).
    expect([...held(a.node), ...held(b.node)]).toHaveLength(2);
    const holder = held(a.node).includes("outbox") ? a.node : b.node;
    const other = holder === a.node ? b.node : a.node;
    await holder.close();
    nodes = nodes.filter((n) => n !== holder);
    await expect
      .poll(() => held(other).sort(), { timeout: 10_000 })
      .toEqual(["deadline-scheduler", "outbox"]);
  });

  it("refuses an agency token at one replica that was used at the other", async () => {
    const [a, b] = await twoReplicas();
    const headers = { authorization: `Bearer ${await a.token("TH:DSDW")}` };
    expect((await a.node.app.request("/v1/inbox", { headers })).status).toBe(200);
    const replayed = await b.node.app.request("/v1/inbox", { headers });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain("auth.token-replayed");
  });

  it("refuses to start on an unreachable database, naming it", async () => {
    const node = createNode({
      config: defaultConfig("TH", {
        store: "postgres://postgres@127.0.0.1:1/test?schema=frx_nowhere",
      }),
      keys: generateNodeKeys(),
      attachments: new MemoryAttachmentStore(),
      logger: memoryLogger(),
    });
    await expect(node).rejects.toThrow(/PostgreSQL store at 127\.0\.0\.1:1\/test .*cannot be used/);
  });
});
