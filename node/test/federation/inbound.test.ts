import { createSigner, sealTransaction, type Types } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, eventually, type Member } from "./cluster.js";
import { notifyLa, payloadOf } from "./taps.js";

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

const put = (txnId: string, body: string) =>
  fetch(`${la.url}/federation/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/jose" },
    body,
  });
const problem = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { code?: string }).code,
});

describe("receiving transactions and wakes", () => {
  it("FRX-FED-030: a retry arriving while the first attempt is processed waits for it and gets its reply", async () => {
    const txnId = "01KJQ1000000000000000C0001";
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId,
        origin: "TH",
        destination: "LA",
        sentAt: la.clock.now().toISOString(),
        envelopes: [th.sign(notifyLa(1))],
      },
      createSigner(th.keys.signing),
      cluster.trustList.members.find((m) => m.node === "LA")!.encryptionKey,
    );
    // Hold the first attempt's envelope until the second request has been authenticated.
    const outbox = la.node.ctx.outbox;
    const ingest = la.node.ingest;
    let authenticated = 0;
    const heardFrom = outbox.heardFrom.bind(outbox);
    const receiveAll = ingest.receiveAll.bind(ingest);
    let held = 0;
    outbox.heardFrom = (peer) => {
      authenticated++;
      heardFrom(peer);
    };
    ingest.receiveAll = async (jwss, origin) => {
      held++;
      await eventually(() => Promise.resolve(authenticated >= 2), "the retry to arrive");
      return receiveAll(jwss, origin);
    };
    try {
      const [a, b] = await Promise.all([put(txnId, jwe), put(txnId, jwe)]);
      const replies = [
        ((await a.json()) as { reply: string }).reply,
        ((await b.json()) as { reply: string }).reply,
      ];
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(replies[1]).toBe(replies[0]);
      expect(payloadOf<Types.TransactionReply>(replies[0]!).results.map((r) => r.status)).toEqual([
        "accepted",
      ]);
      // The first attempt was held until the retry was in; the retry applied nothing itself.
      expect(held).toBe(1);
    } finally {
      delete (outbox as Partial<typeof outbox>).heardFrom;
      delete (ingest as Partial<typeof ingest>).receiveAll;
    }
  });

  it("FRX-FED-062: a wake whose payload is not JSON is refused with its code, not a server error", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const header = b64(
      JSON.stringify({ alg: "Ed25519", typ: "frx-wake+jws", kid: "k".repeat(43) }),
    );
    const res = await fetch(`${la.url}/federation/v1/wake`, {
      method: "POST",
      headers: { "content-type": "application/jose" },
      body: `${header}.${b64("not json")}.${Buffer.alloc(64).toString("base64url")}`,
    });
    expect(await problem(res)).toEqual({ status: 400, code: "envelope.payload-not-json" });
  });

  it("FRX-FED-015: takes a transaction body up to the size that seals 50 envelopes of 262,144 bytes, whatever its own batch size", async () => {
    // Larger than 50 maximal envelopes base64url-encoded once, smaller than twice: read, then refused as undecryptable.
    const large = "A".repeat(20_000_000);
    expect(await problem(await put("01KJQ1000000000000000C0002", large))).toEqual({
      status: 400,
      code: "federation.undecryptable",
    });
    const tooLarge = "A".repeat(24_000_000);
    expect(await problem(await put("01KJQ1000000000000000C0003", tooLarge))).toEqual({
      status: 413,
      code: "request.too-large",
    });
  });
});
