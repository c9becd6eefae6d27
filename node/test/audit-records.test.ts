import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodePublicKeys } from "../src/config/keys.js";
import { entryHash, verifyAudit, type Anchor } from "../src/domain/audit.js";
import { pad } from "../src/store/db.js";
import type { AuditEntry, CaseRecord, MessageRecord } from "../src/store/records.js";
import type { LevelStore } from "../src/store/store.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
const referral = fixture("referral.create");
beforeEach(async () => {
  t = await thaiNode({ checkpointEvery: 1000 });
  expect((await t.submit(t.sign(referral))).status).toBe(201);
});
afterEach(async () => t.node.close());

const verify = () => verifyAudit(t.node.ctx.store, nodePublicKeys(t.node.ctx.keys).signing);
// These tests tamper with level directly, under the store (the harness runs on memory-level).
const store = () => t.node.ctx.store as LevelStore;

describe("audit verify checks the stored records against the chain (FRX-AUD-001, FRX-AUD-002)", () => {
  it("verifies an untouched store, and reports every entry since the last checkpoint as unanchored", async () => {
    const report = await verify();
    expect(report).toMatchObject({ ok: true, unanchored: report.entries });
  });

  it("names a message whose deliveredTo was edited to an immigration unit", async () => {
    const record = (await store().get<MessageRecord>("messages", referral.id))!;
    await store()
      .sub("messages")
      .put(referral.id, {
        ...record,
        deliveredTo: ["TH:IMB"],
      });
    expect(await verify()).toMatchObject({
      ok: false,
      code: "audit.record-mismatch",
      firstBroken: { record: `messages/${referral.id}` },
    });
  });

  it("names a case whose consent on record was widened", async () => {
    const record = fixture("consent.record");
    expect((await t.submit(t.sign(record))).status).toBe(201);
    const stored = (await store().get<CaseRecord>("cases", record.case!))!;
    // Consent is held per person (FRX-POL-040): widen the one person's consent on record.
    const [ref, onRecord] = Object.entries(stored.consents ?? {})[0]!;
    const consent = onRecord.consent as { audiences: string[]; flags: Record<string, boolean> };
    const widened = {
      ...stored,
      consents: {
        ...stored.consents,
        [ref]: {
          ...onRecord,
          consent: {
            ...consent,
            flags: { ...consent.flags, disclosure: true },
            audiences: [...consent.audiences, "foreign_authorities"],
          },
        },
      },
    };
    await store().sub("cases").put(record.case!, widened);
    expect(await verify()).toMatchObject({
      ok: false,
      code: "audit.record-mismatch",
      firstBroken: { record: `cases/${record.case}` },
    });
  });

  it("names a record deleted behind the node's back, and one the chain never recorded", async () => {
    await store().sub("referrals").del(referral.referral!);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBroken: { record: `referrals/${referral.referral}` },
    });
    await store().sub("referrals").put(referral.referral!, {});
    await store().sub("messages").put("01KJQ0000000000000000PLANT", {});
    expect((await verify()).firstBroken).toMatchObject({
      record: expect.stringMatching(/^(referrals|messages)\//),
    });
  });
});

describe("anchoring the tail (FRX-AUD-003 to FRX-AUD-005)", () => {
  const anchorNow = async () => {
    const at = t.clock.now().toISOString();
    await store().commit([t.node.ctx.audit.checkpointOp(at)]);
    const [, cp] = (await store().range<Anchor>("checkpoints", { reverse: true, limit: 1 }))[0]!;
    return cp;
  };
  const keys = () => nodePublicKeys(t.node.ctx.keys).signing;

  it("catches a tail re-chained after the anchor was taken", async () => {
    const anchor = await anchorNow();
    const [, newest] = (await store().range<AuditEntry>("audit", { reverse: true, limit: 1 }))[0]!;
    const { hash: _h, ...rest } = newest;
    const rewritten = { ...rest, actor: "TH:DSDW" };
    await store()
      .sub("audit")
      .put(pad(newest.seq), { ...rewritten, hash: entryHash(rewritten) });
    // The store's own checkpoint of that head is signed over the old hash; delete it as a forger would.
    await store().sub("checkpoints").del(pad(anchor.seq));
    expect(await verifyAudit(store(), keys())).toMatchObject({ ok: true });
    expect(await verifyAudit(store(), keys(), anchor)).toMatchObject({
      ok: false,
      code: "audit.anchor-mismatch",
      firstBroken: { seq: newest.seq },
    });
  });

  it("catches a tail deleted with its records after the anchor was taken", async () => {
    const anchor = await anchorNow();
    const audit = store().sub("audit");
    await audit.del(pad(anchor.seq));
    await store().sub("checkpoints").del(pad(anchor.seq));
    expect(await verifyAudit(store(), keys(), anchor)).toMatchObject({
      ok: false,
      code: "audit.anchor-mismatch",
    });
  });

  it("reports entries after the anchor as unanchored, and none once anchored", async () => {
    const anchor = await anchorNow();
    expect(await verifyAudit(store(), keys(), anchor)).toMatchObject({ ok: true, unanchored: 0 });
    await t.submit("not a jws");
    await store().flush();
    expect(await verifyAudit(store(), keys(), anchor)).toMatchObject({ ok: true, unanchored: 1 });
  });
});
