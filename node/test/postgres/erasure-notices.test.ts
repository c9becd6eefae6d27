import { canonicalize, signCompact } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadNotices, type PendingNotice } from "../../src/privacy/notice-delivery.js";
import { listNotices, settleNotice } from "../../src/privacy/notice-dead-letters.js";
import { eraseByPerson } from "../../src/privacy/request.js";
import type { AuditEntry, MessageRecord } from "../../src/store/records.js";
import { PgStore } from "../../src/store/postgres/pg-store.js";
import { Cluster, eventually, type Member } from "../federation/cluster.js";
import { fixture } from "../harness.js";
import { dropSchema, freshStoreUrl, noticeIfNoPg, PG_URL } from "./pg.js";

noticeIfNoPg("erasure notices on PostgreSQL");

const PERSON = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";
let cluster: Cluster | undefined;
const schemas: string[] = [];

beforeAll(async () => {
  if (!PG_URL) return;
  const th = freshStoreUrl();
  const la = freshStoreUrl();
  schemas.push(th.schema, la.schema);
  cluster = await Cluster.start(["TH", "LA"], undefined, { stores: { TH: th.url, LA: la.url } });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  for (const s of schemas) await dropSchema(s);
});

const pending = (m: Member) =>
  m.node.ctx.store.range<PendingNotice>("erasureNotices", { gte: "q!", lt: "q!~" });

describe.skipIf(!PG_URL)("erasure notices on the PostgreSQL store (FRX-DP-013, FRX-DP-014)", () => {
  it("queues the notice in PostgreSQL with the erasure, keeps it through an outage and a restart, and delivers it", async () => {
    const c = cluster!;
    let th = c.get("TH");
    expect(th.node.ctx.store).toBeInstanceOf(PgStore);
    expect(c.get("LA").node.ctx.store).toBeInstanceOf(PgStore);
    const create = fixture("referral.create") as ReturnType<typeof fixture> & {
      body: { consent: { audiences: string[] } };
    };
    create.to = [{ participant: "LA:MOLSW" }];
    create.body.consent.audiences = [
      "domestic_authorities",
      "service_providers",
      "foreign_authorities",
    ];
    expect((await th.submit(th.sign(create))).status).toBe(201);
    const atLa = () => c.get("LA").node.ctx.store.get<MessageRecord>("messages", create.id);
    await eventually(
      async () => (await atLa())?.jws.startsWith("frx-sealed:1:"),
      "LA to store the referral",
    );

    await c.stop("LA");
    const record = await eraseByPerson(th.node.ctx, PERSON, "the worker asked", "dpo");
    expect(record.messages).toEqual([create.id]);
    // In the same transaction as the erasure record: both are in the database.
    expect(await th.node.ctx.store.get("meta", `erasure!${record.id}`)).toBeDefined();
    await eventually(async () => (await pending(th))[0]?.[1].attempts, "TH to try LA");
    expect((await pending(th)).map(([, v]) => [v.erasure, v.node])).toEqual([[record.id, "LA"]]);

    await c.stop("TH");
    await c.boot("LA", c.get("LA"));
    th = await c.boot("TH", th);
    const erased = await eventually(
      async () => ((await atLa())?.erased ? await atLa() : undefined),
      "LA to erase on TH's notice",
    );
    expect(erased).toMatchObject({ jws: "", erased: { reason: "notice" } });
    await eventually(async () => (await pending(th)).length === 0, "TH to settle the notice");
    expect(await deadNotices(th.node.ctx)).toEqual([]);
  });

  it("makes a dead letter of a refused notice in PostgreSQL, which the operator retries or discards", async () => {
    const th = cluster!.get("TH");
    const erasure = "01KJQ0000000000000000000DD";
    // LA has no such case: it refuses with dp.not-party, and a retry would not change that.
    const notice = signCompact(
      new TextEncoder().encode(
        canonicalize({
          frx: "1",
          kind: "erasure-notice",
          erasure,
          origin: "TH",
          at: th.clock.now().toISOString(),
          reason: "test",
          cases: [
            { case: "TH:DOE:01KJQ0000000000000000000ZZ", messages: ["01KJQ0000000000000000000ZY"] },
          ],
        }),
      ),
      "frx-erasure-notice+jws",
      th.node.ctx.signer,
    );
    await th.node.ctx.store.commit([
      {
        type: "put",
        aggregate: "erasureNotices",
        key: `q!${erasure}!LA`,
        value: {
          erasure,
          node: "LA",
          notice,
          queuedAt: th.clock.now().toISOString(),
          attempts: 0,
        } satisfies PendingNotice,
      },
    ]);
    th.node.ctx.outbox.notices.kick();
    const dead = await eventually(
      async () =>
        (await deadNotices(th.node.ctx)).length === 1 ? deadNotices(th.node.ctx) : false,
      "the refused notice to become a dead letter",
    );
    expect(dead[0]!.lastError).toMatch(/403.*dp\.not-party/);
    expect(await listNotices(th.node.ctx)).toEqual([
      expect.objectContaining({ state: "dead", erasure, node: "LA", attempts: 1 }),
    ]);

    // Retried: queued again with its attempts reset, sent again, refused again.
    await settleNotice(th.node.ctx, erasure, "LA", "retry", "dpo");
    const audited = async () =>
      (await th.node.ctx.store.range<AuditEntry>("audit")).map(([, e]) => e.detail);
    expect(await audited()).toContain(`erasure notice ${erasure} for LA queued again`);
    const again = await eventually(
      async () => (await deadNotices(th.node.ctx))[0],
      "the retried notice to be refused again",
    );
    expect(again.attempts).toBe(1);

    await settleNotice(th.node.ctx, erasure, "LA", "discard", "dpo");
    expect(await listNotices(th.node.ctx)).toEqual([]);
    expect(await audited()).toContain(`erasure notice ${erasure} for LA discarded`);
  });
});
