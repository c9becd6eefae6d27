import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodePublicKeys } from "../src/config/keys.js";
import { verifyAudit } from "../src/domain/audit.js";
import { pad } from "../src/store/db.js";
import type { AuditEntry } from "../src/store/records.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode({ checkpointEvery: 4 });
  await t.submit(t.sign(fixture("referral.create")));
  await t.submit("not a jws");
  // A refusal's entry rides on the next write (finding 15 of issue 11); write it now.
  await t.node.ctx.store.flush();
});
afterEach(async () => t.node.close());

const key = () => nodePublicKeys(t.node.ctx.keys).signing;

describe("audit log", () => {
  it("records admin actions, acceptances with their deliveries and refusals in one verified chain with signed checkpoints", async () => {
    const entries = (await t.node.ctx.store.range<AuditEntry>("audit")).map(([, e]) => e);
    expect(entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["admin", "accepted", "refused"]),
    );
    // One entry per accepted message, naming whom it was delivered to here.
    const accepted = entries.filter((e) => e.kind === "accepted");
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.deliveredTo).toEqual([fixture("referral.create").to[0]!.participant]);
    expect(await verifyAudit(t.node.ctx.store, key())).toMatchObject({
      ok: true,
      entries: entries.length,
    });
    expect((await verifyAudit(t.node.ctx.store, key())).checkpoints).toBeGreaterThan(0);
  });

  it("names the first entry whose content was changed", async () => {
    const entry = (await t.node.ctx.store.get<AuditEntry>("audit", pad(3)))!;
    await t.node.ctx.store.commit([
      { type: "put", aggregate: "audit", key: pad(3), value: { ...entry, actor: "someone-else" } },
    ]);
    expect(await verifyAudit(t.node.ctx.store, key())).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, reason: expect.stringMatching(/hash/) },
    });
  });

  it("names a removed entry", async () => {
    await t.node.ctx.store.commit([{ type: "del", aggregate: "audit", key: pad(2) }]);
    expect(await verifyAudit(t.node.ctx.store, key())).toMatchObject({
      ok: false,
      firstBroken: { seq: 2 },
    });
  });

  it("detects a rewritten chain through its signed checkpoints", async () => {
    const [, cp] = (await t.node.ctx.store.range<{ seq: number; jws: string }>("checkpoints"))[0]!;
    // Change one signature byte well inside the last segment (the final character may only carry padding bits).
    const at = cp.jws.length - 10;
    const forged = {
      ...cp,
      jws: cp.jws.slice(0, at) + (cp.jws[at] === "A" ? "B" : "A") + cp.jws.slice(at + 1),
    };
    await t.node.ctx.store.commit([
      { type: "put", aggregate: "checkpoints", key: pad(cp.seq), value: forged },
    ]);
    expect(await verifyAudit(t.node.ctx.store, key())).toMatchObject({
      ok: false,
      firstBroken: { seq: cp.seq, reason: expect.stringMatching(/signature/) },
    });
  });
});
