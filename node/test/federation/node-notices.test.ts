import { createSigner, sealTransaction, signEnvelope } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, type Member } from "./cluster.js";
import { failureNotices } from "./taps.js";

// Finding 13 of issue 11: an envelope from <CC>:NODE was looked up among the peer's agencies
// only, so a genuine delivery.failed from a peer came back jws.kid-unknown and was lost.
let cluster: Cluster;
let th: Member;
let la: Member;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
  await la.node.ctx.peers.ensure("TH");
});
afterAll(async () => cluster.close());

/** A delivery.failed from TH's node to a Lao agency, signed with `signer`. */
function notice(id: string, from = "TH:NODE") {
  return {
    ...fixture("delivery.failed"),
    id,
    from,
    to: [{ participant: "LA:MOLSW" }],
    sentAt: la.clock.now().toISOString(),
  };
}

async function send(txnId: string, envelopes: string[]) {
  const jwe = await sealTransaction(
    {
      frx: "1",
      txnId,
      origin: "TH",
      destination: "LA",
      sentAt: la.clock.now().toISOString(),
      envelopes,
    },
    createSigner(th.keys.signing),
    cluster.trustList.members.find((m) => m.node === "LA")!.encryptionKey,
  );
  const res = await fetch(`${la.url}/federation/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/jose" },
    body: jwe,
  });
  expect(res.status).toBe(200);
  const { reply } = (await res.json()) as { reply: string };
  return (
    JSON.parse(Buffer.from(reply.split(".")[1]!, "base64url").toString("utf8")) as {
      results: Array<{ status: string; code?: string }>;
    }
  ).results;
}

describe("FRX-FED-032: a peer's node notices verify against its trust-list keys", () => {
  it("accepts a delivery.failed signed by the peer's node key and delivers it", async () => {
    const jws = signEnvelope(notice("01KJQ3000000000000000N0001"), createSigner(th.keys.signing));
    expect(await send("01KJQ3000000000000000T0001", [jws])).toMatchObject([{ status: "accepted" }]);
    expect(await failureNotices(la, "LA:MOLSW")).toContainEqual(
      expect.objectContaining({ reason: "expired" }),
    );
  });

  it("refuses a notice from <peer>:NODE signed by one of the peer's agencies", async () => {
    const jws = signEnvelope(
      notice("01KJQ3000000000000000N0002"),
      th.agencies.get("TH:DOE")!.signer,
    );
    expect(await send("01KJQ3000000000000000T0002", [jws])).toMatchObject([
      { status: "rejected", code: "envelope.signer-mismatch" },
    ]);
  });

  it("refuses an agency's message signed with the peer's node key", async () => {
    const envelope = {
      ...fixture("case.notify"),
      id: "01KJQ3000000000000000N0003",
      to: [{ participant: "LA:MOLSW" }],
      purpose: "case_coordination",
    };
    const jws = signEnvelope(envelope, createSigner(th.keys.signing));
    expect(await send("01KJQ3000000000000000T0003", [jws])).toMatchObject([
      { status: "rejected", code: "envelope.signer-mismatch" },
    ]);
  });

  it("refuses a notice that claims to come from another node's NODE", async () => {
    const jws = signEnvelope(
      notice("01KJQ3000000000000000N0004", "LA:NODE"),
      createSigner(th.keys.signing),
    );
    expect(await send("01KJQ3000000000000000T0004", [jws])).toMatchObject([
      { status: "rejected", code: "envelope.signer-mismatch" },
    ]);
  });
});
