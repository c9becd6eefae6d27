import { createSigner, sealTransaction, signNodeDocument, WAKE_TYP } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { wakePeers } from "../../src/federation/inbound.js";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import { notifyLa, tapPeers } from "./taps.js";

let cluster: Cluster;
let th: Member;
let la: Member;
const queued = notifyLa(1);

/** TH has an envelope queued for LA, then LA and KH suspend TH. */
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA", "KH"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
  await th.node.ctx.peers.ensure("LA");
  await th.node.ctx.outbox.stop();
  expect((await th.submit(th.sign(queued))).status).toBe(201);
  await cluster.nextTrustList(
    (list) => ({
      ...list,
      issuedAt: la.clock.now().toISOString(),
      members: list.members.map((m) => (m.node === "TH" ? { ...m, status: "suspended" } : m)),
    }),
    ["LA", "KH"],
  );
});
afterEach(async () => cluster.close());

const problem = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { code?: string }).code,
});

describe("a node its own trust list suspends neither sends nor accepts (FRX-TRUST-027, FRX-TRUST-028)", () => {
  it("refuses its agencies' envelopes to other nodes with trust.member-suspended", async () => {
    expect(await problem(await th.submit(th.sign(notifyLa(2))))).toEqual({
      status: 403,
      code: "trust.member-suspended",
    });
  });

  it("sends nothing from its outbox", async () => {
    const tap = tapPeers(th);
    await th.node.ctx.outbox.start();
    await eventually(
      () =>
        Promise.resolve(
          th.logger.lines.some(
            (l) => l.event === "outbox.not-sending" && l.code === "trust.member-suspended",
          ),
        ),
      "the outbox to decline to send",
    );
    expect(tap.puts()).toEqual([]);
    expect(await th.node.ctx.store.range("outbox")).not.toEqual([]);
  });

  it("sends no wakes", async () => {
    const tap = tapPeers(th);
    await wakePeers(th.node.ctx);
    expect(tap.calls).toEqual([]);
  });

  it("refuses transactions and wakes from active members with trust.member-suspended", async () => {
    const txnId = "01KJQ1000000000000000T0001";
    const envelope = la.sign({
      ...fixture("case.notify"),
      id: "01KJQ1000000000000000T0002",
      from: "LA:MOLSW",
      to: [{ participant: "TH:DOE" }],
      purpose: "case_coordination",
    });
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId,
        origin: "LA",
        destination: "TH",
        sentAt: th.clock.now().toISOString(),
        envelopes: [envelope],
      },
      createSigner(la.keys.signing),
      cluster.trustList.members.find((m) => m.node === "TH")!.encryptionKey,
    );
    const put = await fetch(`${th.url}/federation/v1/transactions/${txnId}`, {
      method: "PUT",
      headers: { "content-type": "application/jose" },
      body: jwe,
    });
    expect(await problem(put)).toEqual({ status: 403, code: "trust.member-suspended" });

    const wake = signNodeDocument(
      { frx: "1", origin: "LA", destination: "TH", sentAt: th.clock.now().toISOString() },
      WAKE_TYP,
      "documents/wake.json",
      createSigner(la.keys.signing),
    );
    const woken = await fetch(`${th.url}/federation/v1/wake`, {
      method: "POST",
      headers: { "content-type": "application/jose" },
      body: wake,
    });
    expect(await problem(woken)).toEqual({ status: 403, code: "trust.member-suspended" });
  });
});
