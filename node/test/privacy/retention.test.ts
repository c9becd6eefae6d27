import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { publicJwkOf } from "@frx/spec";
import { verifyAudit } from "../../src/domain/audit-verify.js";
import { placeHold, releaseHold } from "../../src/privacy/holds.js";
import { runRetention } from "../../src/privacy/retention.js";
import { RetentionJob } from "../../src/jobs/retention-job.js";
import type { AuditEntry, MessageRecord } from "../../src/store/records.js";
import type { LevelStore } from "../../src/store/store.js";
import { fixture } from "../harness.js";
import { checkReceipt, diskNode, recordsContaining } from "./disk-node.js";

const DAY = 86_400_000;
let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

/** A T2 referral, declined (a terminal state): its case closes with the decline. */
async function closedCase() {
  const t = await diskNode();
  dirs.push(t.dir);
  const create = fixture("referral.create");
  const jws = t.sign(create);
  const res = await t.submit(jws);
  expect(res.status).toBe(201);
  const { receipt } = (await res.json()) as { receipt: string };
  const decline = Object.assign(fixture("referral.decline"), {
    from: "TH:DSDW",
    to: [{ participant: "TH:DOE" }],
    case: create.case,
    referral: create.referral,
    sequence: 2,
  });
  expect((await t.submit(t.sign(decline))).status).toBe(201);
  return { t, create, jws, receipt, closedAt: t.clock.now().getTime() };
}

const stored = (t: Awaited<ReturnType<typeof diskNode>>, id: string) =>
  (t.node.ctx.store as LevelStore).sub("messages").get(id) as Promise<MessageRecord>;

describe("retention (FRX-DP-004, FRX-DP-006, FRX-DP-008)", () => {
  it("erases a closed case's T2 content once its period passes, keeping audit and receipts verifiable", async () => {
    const { t, create, jws, receipt, closedAt } = await closedCase();
    const sealed = (await stored(t, create.id)).jws;
    expect(sealed).toMatch(/^frx-sealed:1:/);

    t.clock.set(new Date(closedAt + 1825 * DAY));
    expect((await runRetention(t.node.ctx, { dryRun: true, actor: "test" })).due).toEqual([]);

    t.clock.set(new Date(closedAt + 1827 * DAY));
    const dry = await runRetention(t.node.ctx, { dryRun: true, actor: "test" });
    // The T2 referral is due (1826 days); the T1 decline keeps its content for 3653.
    expect(dry.due.map((d) => [d.messageId, d.tier])).toEqual([[create.id, "T2"]]);
    expect((await stored(t, create.id)).jws).toBe(sealed);

    const run = await runRetention(t.node.ctx, { dryRun: false, actor: "retention" });
    expect(run.erasure?.messages).toEqual([create.id]);
    const after = await stored(t, create.id);
    expect(after.jws).toBe("");
    expect(after).toMatchObject({
      id: create.id,
      type: "referral.create",
      case: create.case,
      receipt,
      erased: { reason: "retention" },
    });
    // The inbox says it was erased, and gives nothing of it.
    const inbox = (await (await t.as("TH:DSDW", "/v1/inbox")).json()) as {
      items: Array<{ messageId: string; jws?: string; erased?: unknown }>;
    };
    const item = inbox.items.find((i) => i.messageId === create.id)!;
    expect(item.jws).toBeUndefined();
    expect(item.erased).toMatchObject({ reason: "retention" });

    const nodeKey = publicJwkOf(t.keys.signing);
    expect(await verifyAudit(t.node.ctx.store, nodeKey)).toMatchObject({ ok: true });
    expect(await checkReceipt(receipt, jws, t.keys)).toBe(create.id);
    // Read from the raw store, every aggregate: not even the sealed content is left in any record.
    expect(await recordsContaining(t, sealed.slice(-60))).toEqual([]);
    await t.node.close();
  });

  it("a legal hold suspends erasure, recorded and audited, until it is released", async () => {
    const { t, create, closedAt } = await closedCase();
    const hold = await placeHold(
      t.node.ctx,
      create.case!,
      "proceedings open at the Criminal Court",
      "dpo",
    );
    t.clock.set(new Date(closedAt + 4000 * DAY));
    const held = await runRetention(t.node.ctx, { dryRun: false, actor: "retention" });
    expect(held.due).toEqual([]);
    expect(held.held.map((h) => [h.messageId, h.hold]).sort()).toEqual(
      [
        [create.id, hold.id],
        [fixture("referral.decline").id, hold.id],
      ].sort(),
    );
    expect((await stored(t, create.id)).jws).toMatch(/^frx-sealed:1:/);
    const details = (await t.node.ctx.store.range<AuditEntry>("audit")).map(
      ([, e]) => e.detail ?? "",
    );
    expect(
      details.some((d) => d.includes(`legal hold ${hold.id} placed on case ${create.case}`)),
    ).toBe(true);
    expect(details.some((d) => d.includes(`held by a legal hold: ${create.case}`))).toBe(true);

    await releaseHold(t.node.ctx, create.case!, hold.id, "dpo");
    const run = await runRetention(t.node.ctx, { dryRun: false, actor: "retention" });
    expect(run.erasure?.messages.sort()).toEqual(
      [create.id, fixture("referral.decline").id].sort(),
    );
    expect((await stored(t, create.id)).jws).toBe("");
    await t.node.close();
  });

  it("runs in the node as a job, and logs what it erased", async () => {
    const { t, create, closedAt } = await closedCase();
    t.clock.set(new Date(closedAt + 1827 * DAY));
    await new RetentionJob(t.node.ctx).runOnce();
    expect((await stored(t, create.id)).jws).toBe("");
    expect(t.logger.lines.some((l) => l.event === "retention.run" && l.erased === 1)).toBe(true);
    await t.node.close();
  });

  it("keeps an open case's content however old it is", async () => {
    const t = await diskNode();
    dirs.push(t.dir);
    const create = fixture("referral.create");
    expect((await t.submit(t.sign(create))).status).toBe(201);
    t.clock.set(new Date(t.clock.now().getTime() + 20_000 * DAY));
    const run = await runRetention(t.node.ctx, { dryRun: false, actor: "retention" });
    expect(run.due).toEqual([]);
    expect((await stored(t, create.id)).jws).toMatch(/^frx-sealed:1:/);
    await t.node.close();
  });

  it("publishes the periods it applies, the node's overrides included, in its signed metadata (FRX-DP-005)", async () => {
    const t = await diskNode();
    dirs.push(t.dir);
    t.node.ctx.config.retention = { tiers: { T2: 730 } };
    const meta = (await (await t.node.app.request("/.well-known/frx-node")).json()) as {
      metadata: { retention: { tiers: Record<string, number>; types: Record<string, unknown> } };
    };
    expect(meta.metadata.retention.tiers).toEqual({ T1: 3653, T2: 730, T3: 3653 });
    expect(meta.metadata.retention.types["evidence.provide"]).toEqual({ T2: 3653, T3: 7305 });
    await t.node.close();
  });
});
