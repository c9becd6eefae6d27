import { createSigner, sealTransaction, type Types } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, eventually } from "./cluster.js";
import { inbox, notifyLa, payloadOf } from "./taps.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start();
});
afterAll(async () => cluster.close());

/** Sends `envelopes` from `origin` to LA in one transaction, as a node would, and returns LA's results. */
async function deliverToLa(
  origin: string,
  envelopes: string[],
  txnId: string,
): Promise<Types.TransactionReply["results"]> {
  const la = cluster.get("LA");
  await la.node.ctx.peers.ensure(origin);
  const jwe = await sealTransaction(
    {
      frx: "1",
      txnId,
      origin,
      destination: "LA",
      sentAt: la.clock.now().toISOString(),
      envelopes,
    },
    createSigner(cluster.get(origin).keys.signing),
    cluster.trustList.members.find((m) => m.node === "LA")!.encryptionKey,
  );
  const res = await fetch(`${la.url}/federation/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/jose" },
    body: jwe,
  });
  expect(res.status).toBe(200);
  const { reply } = (await res.json()) as { reply: string };
  return payloadOf<Types.TransactionReply>(reply).results;
}

describe("finding 3 (issue 11): case authority holds across nodes", () => {
  it("refuses at the destination a foreign agency naming a case it is no party to there (FRX-MSG-010)", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const notify = notifyLa(7001);
    expect((await th.submit(th.sign(notify))).status).toBe(201);
    await eventually(
      async () => (await inbox(la, "LA:MOLSW")).find((i) => i.messageId === notify.id),
      "the case notification at LA:MOLSW",
    );
    // KH:MOLVT was never addressed in the case, yet knows its id; its own node is bypassed.
    const intruder = cluster.get("KH").sign({
      ...fixture("case.update"),
      id: "01KJQ2000000000000000C0001",
      from: "KH:MOLVT",
      to: [{ participant: "LA:MOLSW" }],
      case: notify.case,
    });
    const results = await deliverToLa("KH", [intruder], "01KJQ2000000000000000T0001");
    expect(results.map((r) => [r.status, r.code])).toEqual([["rejected", "case.not-party"]]);
    // The owner's own further message still goes through.
    const own = th.sign({ ...notifyLa(7002), case: notify.case });
    const ok = await deliverToLa("TH", [own], "01KJQ2000000000000000T0002");
    expect(ok.map((r) => r.status)).toEqual(["accepted"]);
  });
});
