import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  ManualClock,
  memoryLogger,
  verifyAudit,
} from "../src/index.js";
import { nodePublicKeys } from "../src/config/keys.js";
import { openLevel } from "../src/store/db.js";
import { MemoryAttachmentStore } from "../src/store/attachments.js";
import { FIXTURE_TIME, fixture, thaiNode, withHelpers, type TestNode } from "./harness.js";
import type { LevelStore } from "../src/store/store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("a node restarted on the same disk", () => {
  it("keeps cases, inboxes, deadlines, remembered tokens and an unbroken audit chain", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-restart-"));
    dirs.push(dir);
    const keys = generateNodeKeys();
    const first = await thaiNode(
      { sync: true, checkpointEvery: 3 },
      openLevel(join(dir, "store")),
      keys,
    );
    await first.submit(first.sign(fixture("referral.create")));
    const usedToken = await first.token("TH:DSDW");
    expect(
      (
        await first.node.app.request("/v1/inbox", {
          headers: { authorization: `Bearer ${usedToken}` },
        })
      ).status,
    ).toBe(200);
    await first.node.close();

    const clock = new ManualClock(FIXTURE_TIME);
    const config = defaultConfig("TH", { port: 0, checkpointEvery: 3 });
    const node = await createNode({
      config,
      keys,
      db: openLevel(join(dir, "store")),
      attachments: new MemoryAttachmentStore(),
      clock,
      logger: memoryLogger(),
    });
    const second: TestNode = withHelpers({
      node,
      clock,
      agencies: first.agencies,
      logger: memoryLogger(),
      db: (node.ctx.store as LevelStore).db,
      config,
    });
    try {
      const inbox = (await (await second.as("TH:DSDW", "/v1/inbox")).json()) as {
        items: Array<{ messageId: string }>;
      };
      expect(inbox.items.map((i) => i.messageId)).toEqual([fixture("referral.create").id]);
      const view = (await (
        await second.as(
          "TH:DOE",
          `/v1/cases/${encodeURIComponent(String(fixture("referral.create").case))}`,
        )
      ).json()) as {
        referrals: Array<{ state: string }>;
        deadlines: unknown[];
      };
      expect(view.referrals[0]!.state).toBe("received");
      expect(view.deadlines).toHaveLength(2);
      // The jti used before the restart is still refused.
      const replay = await node.app.request("/v1/inbox", {
        headers: { authorization: `Bearer ${usedToken}` },
      });
      expect(((await replay.json()) as { code: string }).code).toBe("auth.token-replayed");
      // The duplicate store survived too: the same envelope gets the same receipt.
      expect((await second.submit(second.sign(fixture("referral.create")))).status).toBe(200);
      // The deadline scheduler picks up where it left off.
      clock.set("2026-03-03T10:00:00Z");
      expect(await node.scheduler.tick()).toBeGreaterThan(0);
      const report = await verifyAudit(node.ctx.store, nodePublicKeys(keys).signing);
      expect(report).toMatchObject({ ok: true });
      expect(report.checkpoints).toBeGreaterThan(0);
      // New cursors continue after the old ones.
      await second.submit(
        second.sign({
          ...fixture("case.notify"),
          to: [{ participant: "TH:DSDW" }, { participant: "TH:NCC" }],
          purpose: "case_coordination",
        }),
      );
      const cursors = (
        (await (await second.as("TH:DSDW", "/v1/inbox")).json()) as {
          items: Array<{ cursor: number }>;
        }
      ).items.map((i) => i.cursor);
      expect(new Set(cursors).size).toBe(cursors.length);
    } finally {
      await node.close();
    }
  });
});

describe("concurrent submissions", () => {
  it("take effect once per message id: one acceptance, every other answer the same receipt", async () => {
    const t = await thaiNode();
    try {
      const jws = t.sign(fixture("referral.create"));
      const replies = await Promise.all(Array.from({ length: 40 }, () => t.submit(jws)));
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(39);
      const receipts = new Set(
        await Promise.all(
          replies.map(async (r) => ((await r.json()) as { receipt: string }).receipt),
        ),
      );
      expect(receipts.size).toBe(1);
      const inbox = (await (await t.as("TH:DSDW", "/v1/inbox")).json()) as { items: unknown[] };
      expect(inbox.items).toHaveLength(1);
      const timeline = await t.node.ctx.store.range("timeline");
      expect(timeline).toHaveLength(1);
    } finally {
      await t.node.close();
    }
  });

  it("orders competing moves on one referral: exactly one of two decisions at the same sequence wins", async () => {
    const t = await thaiNode();
    try {
      const create = fixture("referral.create");
      await t.submit(t.sign(create));
      const decide = (type: string) =>
        Object.assign(fixture(type), {
          from: "TH:DSDW",
          to: [{ participant: "TH:DOE" }],
          case: create.case,
          referral: create.referral,
          sequence: 2,
        });
      const [a, b] = await Promise.all([
        t.submit(t.sign(decide("referral.accept"))),
        t.submit(t.sign(decide("referral.decline"))),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    } finally {
      await t.node.close();
    }
  });
});
