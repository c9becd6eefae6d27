import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalize, signCompact } from "@frx/spec";
import { erasureNotice } from "../../src/privacy/notice.js";
import { deadNotices, type PendingNotice } from "../../src/privacy/notice-delivery.js";
import { eraseByPerson } from "../../src/privacy/request.js";
import type { MessageRecord } from "../../src/store/records.js";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "../federation/cluster.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA", "KH"]);
});
afterAll(async () => cluster.close());

const PERSON = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";

async function postNotice(to: Member, jws: string) {
  const res = await fetch(`${to.url}/federation/v1/erasure-notices`, {
    method: "POST",
    headers: { "content-type": "application/jose" },
    body: jws,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const pending = (m: Member) =>
  m.node.ctx.store.range<PendingNotice>("erasureNotices", { gte: "q!", lt: "q!~" });

describe("erasure notices over the federation API (FRX-DP-013 to FRX-DP-016)", () => {
  it("delivers TH's notice to LA by itself, through LA's outage and TH's restart; refuses KH's", async () => {
    let th = cluster.get("TH");
    const kh = cluster.get("KH");
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
    const atLa = () => cluster.get("LA").node.ctx.store.get<MessageRecord>("messages", create.id);
    await eventually(
      async () => (await atLa())?.jws.startsWith("frx-sealed:1:"),
      "LA to store the referral",
    );

    // KH has no party to the case: refused over the route, LA's copy untouched.
    const forged = signCompact(
      new TextEncoder().encode(
        canonicalize({
          frx: "1",
          kind: "erasure-notice",
          erasure: "01KJQ0000000000000000000AA",
          origin: "KH",
          at: kh.clock.now().toISOString(),
          reason: "forged",
          cases: [{ case: create.case, messages: [create.id] }],
        }),
      ),
      "frx-erasure-notice+jws",
      kh.node.ctx.signer,
    );
    const refused = await postNotice(cluster.get("LA"), forged);
    expect(refused).toMatchObject({ status: 403, body: { code: "dp.not-party" } });
    const [h, p, s] = forged.split(".");
    const altered = await postNotice(cluster.get("LA"), `${h}.${p}.${s!.slice(0, -4)}AAAA`);
    expect(altered.status).toBe(400);
    expect(String(altered.body.code)).toMatch(/^jws\./);
    const badIds = signCompact(
      new TextEncoder().encode(
        canonicalize({
          ...JSON.parse(Buffer.from(p!, "base64url").toString()),
          cases: [{ case: create.case, messages: [7] }],
        }),
      ),
      "frx-erasure-notice+jws",
      kh.node.ctx.signer,
    );
    for (const body of ["", "not a jws", badIds])
      expect(await postNotice(cluster.get("LA"), body)).toMatchObject({
        status: 400,
        body: { code: expect.stringMatching(/^(jws\.|request\.malformed)/) },
      });
    expect((await atLa())!.jws).not.toBe("");

    // LA is down when TH erases: the notice waits in TH's store, and survives TH's restart.
    await cluster.stop("LA");
    const record = await eraseByPerson(th.node.ctx, PERSON, "the worker asked", "dpo");
    expect(record.messages).toEqual([create.id]);
    await eventually(async () => (await pending(th))[0]?.[1].attempts, "TH to try LA");
    expect((await pending(th)).map(([, v]) => v.node)).toEqual(["LA"]);
    await cluster.stop("TH");
    await cluster.boot("LA", cluster.get("LA"));
    th = await cluster.boot("TH", th);

    // No operator carries anything: LA's copy is erased on TH's notice.
    const erased = await eventually(
      async () => ((await atLa())?.erased ? await atLa() : undefined),
      "LA to erase on TH's notice",
    );
    expect(erased).toMatchObject({ jws: "", erased: { reason: "notice" } });
    await eventually(async () => (await pending(th)).length === 0, "TH to settle the notice");
    const la = cluster.get("LA");
    const atLaErasures = await la.node.ctx.store.range<{ by: string; messages: string[] }>("meta", {
      gte: "erasure!",
      lt: "erasure!~",
    });
    expect(atLaErasures.map(([, v]) => v)).toEqual([
      expect.objectContaining({ by: "node TH", messages: [create.id] }),
    ]);

    // The same notice again: accepted, nothing more erased (FRX-DP-016).
    const again = await erasureNotice(th.node.ctx, record);
    expect(again?.nodes).toEqual(["LA"]);
    const repeated = await postNotice(la, again!.notice);
    expect(repeated).toMatchObject({ status: 200, body: { reason: "notice", messages: [] } });
    expect(await atLa()).toMatchObject({ jws: "", erased: { ref: erased.erased!.ref } });
  });

  it("makes a dead letter of a notice refused, or not accepted within 7 days (FRX-DP-014)", async () => {
    const th = cluster.get("TH");
    const signed = (cases: unknown) =>
      signCompact(
        new TextEncoder().encode(
          canonicalize({
            frx: "1",
            kind: "erasure-notice",
            erasure: "01KJQ0000000000000000000BB",
            origin: "TH",
            at: th.clock.now().toISOString(),
            reason: "test",
            cases,
          }),
        ),
        "frx-erasure-notice+jws",
        th.node.ctx.signer,
      );
    const old = new Date(th.clock.now().getTime() - 8 * 86_400_000).toISOString();
    const queued = (node: string, notice: string, queuedAt: string): PendingNotice => ({
      erasure: "01KJQ0000000000000000000BB",
      node,
      notice,
      queuedAt,
      attempts: 0,
    });
    await th.node.ctx.store.commit([
      {
        type: "put",
        aggregate: "erasureNotices",
        key: "q!01KJQ0000000000000000000BB!LA",
        // LA has no such case: it refuses with dp.not-party, and a retry would not change that.
        value: queued(
          "LA",
          signed([
            { case: "TH:DOE:01KJQ0000000000000000000ZZ", messages: ["01KJQ0000000000000000000ZY"] },
          ]),
          th.clock.now().toISOString(),
        ),
      },
      {
        type: "put",
        aggregate: "erasureNotices",
        key: "q!01KJQ0000000000000000000BB!ZZ",
        // No such member, queued 8 days ago: past the retry window.
        value: queued("ZZ", signed([]), old),
      },
    ]);
    th.node.ctx.outbox.notices.kick();
    const dead = await eventually(
      async () =>
        (await deadNotices(th.node.ctx)).length === 2 ? deadNotices(th.node.ctx) : undefined,
      "both notices to become dead letters",
    );
    expect(dead.map((d) => [d.node, d.attempts])).toEqual([
      ["LA", 1],
      ["ZZ", 1],
    ]);
    expect(dead[0]!.lastError).toMatch(/403.*dp\.not-party/);
    expect(await pending(th)).toEqual([]);
  });

  it("refuses a notice from a node the trust list suspends (FRX-DP-017)", async () => {
    const kh = cluster.get("KH");
    await cluster.nextTrustList(
      (list) => ({
        ...list,
        issuedAt: cluster.get("LA").clock.now().toISOString(),
        members: list.members.map((m) => (m.node === "KH" ? { ...m, status: "suspended" } : m)),
      }),
      ["TH", "LA"],
    );
    const notice = signCompact(
      new TextEncoder().encode(
        canonicalize({
          frx: "1",
          kind: "erasure-notice",
          erasure: "01KJQ0000000000000000000CC",
          origin: "KH",
          at: kh.clock.now().toISOString(),
          reason: "suspended",
          cases: [
            { case: "KH:DOL:01KJQ0000000000000000000ZZ", messages: ["01KJQ0000000000000000000ZY"] },
          ],
        }),
      ),
      "frx-erasure-notice+jws",
      kh.node.ctx.signer,
    );
    // Before the suspension KH's notice would reach the party check (dp.not-party).
    expect(await postNotice(cluster.get("LA"), notice)).toMatchObject({
      status: 403,
      body: { code: "trust.member-suspended" },
    });
  });
});
