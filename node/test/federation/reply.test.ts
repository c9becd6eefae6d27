import {
  createSigner,
  FrxError,
  generateSigningKey,
  publicJwkOf,
  signReceipt,
  type Types,
} from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cluster, eventually, type Member } from "./cluster.js";
import { failureNotices, inbox, notifyLa, payloadOf, reSigned, tapPeers, txnOf } from "./taps.js";

let cluster: Cluster;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  await cluster.get("TH").node.ctx.peers.ensure("LA");
});
afterEach(async () => cluster.close());

const drained = (m: Member) =>
  eventually(
    async () => (await m.node.ctx.store.range("outbox")).length === 0,
    `${m.country}'s outbox to drain`,
  );
const delivery = (m: Member, messageId: string) =>
  m.node.ctx.store.get<{ status: string; receipt: string }>("deliveries", `${messageId}!LA`);

/** Submits envelopes with TH's outbox paused, so that they go out in one transaction. */
async function submitTogether(th: Member, envelopes: ReturnType<typeof notifyLa>[]) {
  await th.node.ctx.outbox.stop();
  for (const env of envelopes) expect((await th.submit(th.sign(env))).status).toBe(201);
  await th.node.ctx.outbox.start();
}

describe("reading the reply (FRX-FED-041 to FRX-FED-045)", () => {
  it("FRX-FED-041: a reply naming another node is no reply; the same txnId is sent again", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    let tampered = false;
    const tap = tapPeers(th, async (call, real) => {
      const res = await real();
      if (call.method !== "PUT" || tampered) return res;
      tampered = true;
      return { ...res, text: reSigned(res.text, la, (r) => ({ ...r, node: "KH" })) };
    });
    const env = notifyLa(1);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await drained(th);
    expect(tap.puts()).toHaveLength(2);
    expect(txnOf(tap.puts()[1]!)).toBe(txnOf(tap.puts()[0]!));
    expect(th.logger.lines.map((l) => l.event)).toContain("outbox.reply-invalid");
    expect(await delivery(th, env.id)).toMatchObject({ status: "accepted" });
  });

  it("FRX-FED-041: a reply whose results do not carry the digests sent, in order, is no reply", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    let tampered = false;
    const tap = tapPeers(th, async (call, real) => {
      const res = await real();
      if (call.method !== "PUT" || tampered) return res;
      tampered = true;
      return {
        ...res,
        text: reSigned(res.text, la, (r) => ({ ...r, results: [...r.results].reverse() })),
      };
    });
    const sent = [notifyLa(2), notifyLa(3)];
    await submitTogether(th, sent);
    await drained(th);
    expect(tap.puts()).toHaveLength(2);
    expect(txnOf(tap.puts()[1]!)).toBe(txnOf(tap.puts()[0]!));
    expect(await th.node.ctx.store.range("deadLetters")).toEqual([]);
    for (const env of sent)
      expect(await delivery(th, env.id)).toMatchObject({ status: "accepted" });
  });

  it.each([
    ["missing", (_r: Types.TransactionResult) => undefined],
    [
      "signed by a key the peer does not hold",
      (r: Types.TransactionResult) =>
        signReceipt(
          payloadOf<Types.Receipt>(r.receipt!),
          createSigner(generateSigningKey().privateJwk),
        ),
    ],
  ])(
    "FRX-FED-045: an accepted envelope whose receipt is %s stays queued and is sent again in a new transaction",
    async (_what, forge) => {
      const th = cluster.get("TH");
      const la = cluster.get("LA");
      let tampered = false;
      const tap = tapPeers(th, async (call, real) => {
        const res = await real();
        if (call.method !== "PUT" || tampered) return res;
        tampered = true;
        return {
          ...res,
          text: reSigned(res.text, la, (reply) => ({
            ...reply,
            results: reply.results.map((r) => {
              const { receipt: _receipt, ...rest } = r;
              const forged = forge(r);
              return forged ? { ...rest, receipt: forged } : rest;
            }),
          })),
        };
      });
      const env = notifyLa(4);
      expect((await th.submit(th.sign(env))).status).toBe(201);
      await drained(th);
      // The second transaction is a new one; the peer answers it `duplicate`, with its original receipt.
      expect(tap.puts()).toHaveLength(2);
      expect(txnOf(tap.puts()[1]!)).not.toBe(txnOf(tap.puts()[0]!));
      expect(await delivery(th, env.id)).toMatchObject({ status: "duplicate" });
      expect(await th.node.ctx.store.range("deadLetters")).toEqual([]);
      expect(await failureNotices(th, "TH:DOE")).toEqual([]);
      expect((await inbox(la, "LA:MOLSW")).map((i) => i.messageId)).toEqual([env.id]);
    },
  );

  it("FRX-FED-055, FRX-FED-044: a rejected envelope is dead-lettered with the peer's code, its sender told the real attempts, and the reply kept", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const tap = tapPeers(th);
    // LA disables its coordinator after TH cached the directory: TH queues, LA refuses.
    const { setParticipantStatus } = await import("../../src/admin/participants.js");
    await setParticipantStatus(la.node.ctx, "LA:NCC", "disabled");
    const env = notifyLa(5, { to: [{ participant: "LA:NCC" }] });
    expect((await th.submit(th.sign(env))).status).toBe(201);
    const notice = await eventually(
      async () => (await failureNotices(th, "TH:DOE")).find((n) => n.messageId === env.id),
      "a delivery.failed notice",
    );
    const at = th.clock.now().toISOString();
    expect(notice).toMatchObject({
      reason: "refused_by_peer",
      errorCode: "routing.recipient-unknown",
      attempts: 1,
      lastAttemptAt: at,
    });
    expect(await th.node.ctx.store.range("outbox")).toEqual([]);
    const put = tap.puts()[0]!;
    const evidence = await th.node.ctx.store.get<{ reply: string }>(
      "deliveries",
      `reply!LA!${txnOf(put)}`,
    );
    const reply = payloadOf<Types.TransactionReply>(evidence!.reply);
    expect(reply).toMatchObject({
      node: "LA",
      txnId: txnOf(put),
      results: [{ status: "rejected", code: "routing.recipient-unknown" }],
    });
    expect(await th.node.ctx.store.get("deadLetters", `LA!${env.id}`)).toMatchObject({
      messageId: env.id,
      reason: "refused_by_peer",
      errorCode: "routing.recipient-unknown",
      detail: reply.results[0]!.detail,
      attempts: 1,
    });
  });

  it("FRX-FED-043: a receipt is judged at its receivedAt, so one signed with a key retired since still delivers", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    // The first transaction reaches LA, but TH loses the answer; TH cannot reach LA again until LA has rotated its key.
    let blocked = true;
    let first = true;
    const tap = tapPeers(th, async (call, real) => {
      if (call.method !== "PUT") return real();
      if (first) {
        first = false;
        await real();
      }
      if (blocked) throw new FrxError("federation.peer-unreachable", "simulated");
      return real();
    });
    const env = notifyLa(6);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      async () => (await inbox(la, "LA:MOLSW")).some((i) => i.messageId === env.id),
      "the envelope at LA",
    );

    // The receipt was made at LA's time then; the old key is retired a second later.
    th.clock.advance(1000);
    la.clock.advance(1000);
    const fresh = generateSigningKey();
    // The node holds its next key before the list gives it (FRX-TRUST-029).
    la.node.prepareSigningKey(fresh.privateJwk);
    const now = la.clock.now().toISOString();
    await cluster.nextTrustList(
      (list) => ({
        ...list,
        issuedAt: now,
        members: list.members.map((m) =>
          m.node !== "LA"
            ? m
            : {
                ...m,
                signingKeys: [
                  { ...m.signingKeys[0]!, status: "retired", notAfter: now },
                  {
                    jwk: { ...publicJwkOf(fresh.privateJwk), use: "sig" } as never,
                    status: "current",
                    notBefore: now,
                  },
                ],
              },
        ),
      }),
      ["TH", "LA"],
    );
    la.node.rotateSigningKey(fresh.privateJwk);
    la.keys.signing = fresh.privateJwk;
    th.clock.advance(1000);
    la.clock.advance(1000);

    blocked = false;
    th.node.ctx.outbox.heardFrom("LA");
    await drained(th);
    // The same txnId again: LA answers from its stored results, its receipt made with the old key.
    expect(new Set(tap.puts().map(txnOf)).size).toBe(1);
    expect(await th.node.ctx.store.range("deadLetters")).toEqual([]);
    const delivered = await delivery(th, env.id);
    expect(delivered).toMatchObject({ status: "accepted" });
    expect(payloadOf<Types.Receipt>(delivered!.receipt).receivedAt < now).toBe(true);
  });

  it("shows the delivery on the case timeline with the peer's receipt", async () => {
    const th = cluster.get("TH");
    const env = notifyLa(7);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await drained(th);
    const { receipt } = (await delivery(th, env.id))!;
    const view = (await (
      await th.as("TH:DOE", `/v1/cases/${encodeURIComponent(env.case!)}`)
    ).json()) as { timeline: Array<{ note?: string; receipt?: string; messageId: string }> };
    expect(view.timeline).toContainEqual(
      expect.objectContaining({ messageId: env.id, note: "delivered to LA", receipt }),
    );
  });
});
