import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalize, signCompact } from "@frx/spec";
import { applyErasureNotice, erasureNotice } from "../../src/privacy/notice.js";
import { eraseByPerson } from "../../src/privacy/request.js";
import type { MessageRecord } from "../../src/store/records.js";
import { fixture } from "../harness.js";
import { Cluster, eventually } from "./cluster.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA", "KH"]);
});
afterAll(async () => cluster.close());

const PERSON = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";

describe("erasure by person across two nodes (FRX-DP-009 to FRX-DP-011)", () => {
  it("erases at the origin, and at the party node on its notice; a node with no party is refused", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
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
    const atLa = () => la.node.ctx.store.get<MessageRecord>("messages", create.id);
    await eventually(
      async () => (await atLa())?.jws.startsWith("frx-sealed:1:"),
      "LA to store the referral",
    );

    // A node that is no party to the case cannot make LA erase it.
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
    await expect(applyErasureNotice(la.node.ctx, forged)).rejects.toMatchObject({
      code: "dp.not-party",
    });
    expect((await atLa())!.jws).not.toBe("");

    // The notice carried by hand (`erasure-notice apply --file`): TH's own delivery is held back.
    await th.node.ctx.outbox.notices.stop();
    const record = await eraseByPerson(th.node.ctx, PERSON, "the worker asked", "dpo");
    expect(record.messages).toEqual([create.id]);
    const notice = await erasureNotice(th.node.ctx, record);
    expect(notice?.nodes).toEqual(["LA"]);

    // Altered in transit: the signature no longer holds.
    const [h, p, s] = notice!.notice.split(".");
    await expect(
      applyErasureNotice(la.node.ctx, `${h}.${p}.${s!.slice(0, -4)}AAAA`),
    ).rejects.toThrow();

    const atLaErasure = await applyErasureNotice(la.node.ctx, notice!.notice);
    expect(atLaErasure).toMatchObject({ reason: "notice", by: "node TH", messages: [create.id] });
    expect(await atLa()).toMatchObject({
      jws: "",
      erased: { reason: "notice" },
      digest: record && expect.any(String),
    });
  });
});
