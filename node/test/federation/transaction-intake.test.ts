import { createPublicKey } from "node:crypto";
import {
  BODIES_PER_ORIGIN,
  canonicalize,
  createSigner,
  sealTransaction,
  signCompact,
} from "@frx/spec";
import { CompactEncrypt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, type Member } from "./cluster.js";
import { notifyLa } from "./taps.js";

// Finding 11 of issue 11: 64 concurrent 21 MB transactions from a stranger were buffered and
// decrypted before anything said who sent them (3.7 GB at peak), and a JWE with zip passed.
// Finding 10's second half: a deep payload inside a transaction anyone can encrypt to the node.
let cluster: Cluster;
let th: Member;
let la: Member;
beforeAll(async () => {
  // A total above one origin's share, so that the per-origin bound is the one that holds.
  cluster = await Cluster.start(["TH", "LA"], (c) => {
    c.federation.transactionsInFlight = 2 * BODIES_PER_ORIGIN;
  });
  th = cluster.get("TH");
  la = cluster.get("LA");
  await la.node.ctx.peers.ensure("TH");
});
afterAll(async () => cluster.close());

const b64 = (s: string) => Buffer.from(s).toString("base64url");
const laKey = () => cluster.trustList.members.find((m) => m.node === "LA")!.encryptionKey;
const header = (h: Record<string, unknown>) =>
  b64(JSON.stringify({ alg: "ECDH-ES", enc: "A256GCM", typ: "frx-transaction+jwe", ...h }));

/** Any plaintext encrypted to LA under the given protected header members. */
async function encrypt(plaintext: string, h: Record<string, unknown>): Promise<string> {
  const key = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: laKey().x }, format: "jwk" });
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", typ: "frx-transaction+jwe", ...h })
    .encrypt(key);
}

/** A body that yields `first`, then (each time it is read) 1 MB more, up to `megabytes`; counts reads. */
function lazyBody(first: string, megabytes: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled++;
        if (pulled === 1) controller.enqueue(new TextEncoder().encode(first));
        else if (pulled <= megabytes + 1) controller.enqueue(new Uint8Array(1 << 20).fill(65));
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

/** A body that yields `first` and then waits until `finish` is called; `reading` resolves when more is asked for. */
function heldBody(first: string) {
  let pulls = 0;
  let asked!: () => void;
  let finish!: (rest: string) => void;
  const reading = new Promise<void>((r) => (asked = r));
  const rest = new Promise<string>((r) => (finish = r));
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        pulls++;
        if (pulls === 1) return controller.enqueue(new TextEncoder().encode(first));
        asked();
        controller.enqueue(new TextEncoder().encode(await rest));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, reading, finish };
}

const put = (txnId: string, body: string | ReadableStream<Uint8Array>) =>
  la.node.app.request(`/federation/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/jose" },
    body,
    ...(typeof body === "string" ? {} : { duplex: "half" }),
  } as RequestInit);

async function codeOf(res: Response) {
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
}

describe("FRX-FED-065: the protected header is checked before the body is read", () => {
  it.each([
    ["a stranger", { iss: "XX" }, 401, "trust.member-unknown"],
    ["no iss at all", {}, 401, "trust.member-unknown"],
    ["this node itself", { iss: "LA" }, 401, "trust.member-unknown"],
    ["zip", { iss: "TH", zip: "DEF" }, 400, "federation.undecryptable"],
  ])(
    "refuses a 30 MB body naming %s after reading its first chunk only",
    async (_, h, status, code) => {
      const body = lazyBody(`${header(h)}.`, 30);
      expect(await codeOf(await put("01KJQ4000000000000000T0001", body.stream))).toEqual({
        status,
        code,
      });
      expect(body.pulled()).toBeLessThanOrEqual(2);
    },
  );

  it("refuses a transaction whose signed origin is not the header's iss (FRX-FED-066)", async () => {
    const txn = {
      frx: "1",
      txnId: "01KJQ4000000000000000T0002",
      origin: "TH",
      destination: "LA",
      sentAt: la.clock.now().toISOString(),
      envelopes: [th.sign(notifyLa(40))],
    };
    const signed = (t: object) =>
      signCompact(
        new TextEncoder().encode(canonicalize(t)),
        "frx-transaction+jws",
        createSigner(th.keys.signing),
      );
    // The same hand-built JWE with a matching iss is accepted: only the mismatch is refused.
    expect((await put(txn.txnId, await encrypt(signed(txn), { iss: "TH" }))).status).toBe(200);
    const mismatch = { ...txn, txnId: "01KJQ4000000000000000T0003", origin: "KH" };
    expect(
      await codeOf(await put(mismatch.txnId, await encrypt(signed(mismatch), { iss: "TH" }))),
    ).toEqual({ status: 401, code: "trust.member-unknown" });
  });

  it("refuses a zip header even on an otherwise valid transaction (FRX-FED-018)", async () => {
    const jws = signCompact(
      new TextEncoder().encode(
        canonicalize({
          frx: "1",
          txnId: "01KJQ4000000000000000T0004",
          origin: "TH",
          destination: "LA",
          sentAt: la.clock.now().toISOString(),
          envelopes: [th.sign(notifyLa(41))],
        }),
      ),
      "frx-transaction+jws",
      createSigner(th.keys.signing),
    );
    const zipped = await encrypt(jws, { iss: "TH", zip: "DEF" });
    expect(await codeOf(await put("01KJQ4000000000000000T0004", zipped))).toEqual({
      status: 400,
      code: "federation.undecryptable",
    });
  });
});

describe("FRX-FED-067: transaction bodies in flight are bounded", () => {
  it("holds 16 bodies per claimed origin (a window of 8, each with a retry) and refuses one more with 429 and Retry-After", async () => {
    expect(BODIES_PER_ORIGIN).toBe(16);
    const held = Array.from({ length: BODIES_PER_ORIGIN }, () =>
      heldBody(`${header({ iss: "TH" })}.`),
    );
    const answers = held.map(async (b, i) =>
      put(`01KJQ4000000000000000W${String(i).padStart(4, "0")}`, b.stream),
    );
    await Promise.all(held.map((b) => b.reading));
    const more = await put("01KJQ4000000000000000T0007", `${header({ iss: "TH" })}.x.x.x.x`);
    expect(await codeOf(more)).toEqual({ status: 429, code: "request.rate-limited" });
    expect(more.headers.get("retry-after")).toBe("1");
    for (const b of held) b.finish("x.x.x.x");
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual(held.map(() => 400));
    // The places are released: a genuine transaction from TH goes through.
    const txnId = "01KJQ4000000000000000T0008";
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId,
        origin: "TH",
        destination: "LA",
        sentAt: la.clock.now().toISOString(),
        envelopes: [th.sign(notifyLa(42))],
      },
      createSigner(th.keys.signing),
      laKey(),
    );
    expect((await put(txnId, jwe)).status).toBe(200);
  });
});

describe("FRX-JCS-005 inside a transaction", () => {
  it("refuses a deeply nested transaction payload that anyone can encrypt to the node, without a 500", async () => {
    const deep = `{"a":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    const jws = `${b64(JSON.stringify({ alg: "Ed25519", typ: "frx-transaction+jws", kid: "k" }))}.${b64(deep)}.${Buffer.alloc(64).toString("base64url")}`;
    expect(
      await codeOf(await put("01KJQ4000000000000000T0009", await encrypt(jws, { iss: "TH" }))),
    ).toEqual({
      status: 400,
      code: "envelope.too-deep",
    });
  });
});
