import {
  createSigner,
  digestOf,
  generateSigningKey,
  publicJwkOf,
  signEnvelope,
  verifyReceipt,
} from "@frx/spec";
import { holds, same } from "../harness/check.js";
import { inboxItems, waitForInbox } from "../harness/inbox.js";
import { section } from "./define.js";
import { peerEnvelope, reply, sendAsPeer } from "./federation-support.js";

const t = section("federation/inbound", "federation");
const stranger = () => createSigner(generateSigningKey().privateJwk);

export const inboundTests = [
  t(
    "FRX-FED-037",
    async (h) => {
      const good = peerEnvelope(h);
      const forged = signEnvelope(h.envelope("peer-case-notify-ok"), stranger());
      const sent = await sendAsPeer(h, { envelopes: [forged, good] });
      const { reply: r } = await reply(h, sent);
      same([r.txnId, r.node], [sent.txnId, h.node.id], "the reply's txnId and node");
      same(
        r.results.map((x) => [x.status, x.digest]),
        [
          ["rejected", digestOf(forged)],
          ["accepted", digestOf(good)],
        ],
        "results (status, digest) in order",
      );
      same(r.results[0]!.code, "jws.kid-unknown", "the forged envelope's refusal code");
      await holds("the receipt in the reply", () =>
        verifyReceipt(
          r.results[1]!.receipt!,
          { messageId: h.idOf(good), digest: digestOf(good), node: h.node.id },
          (kid) => h.nodeKey(kid),
        ),
      );
      const item = await waitForInbox(
        h,
        "LI",
        (i) => i.messageId === h.idOf(good),
        "the peer's envelope",
        5_000,
      );
      same(item.jws, good, "the JWS delivered from the peer (byte for byte)");
      // A transaction whose every envelope is refused is still answered with a reply.
      const none = await reply(
        h,
        await sendAsPeer(h, {
          envelopes: [signEnvelope(h.envelope("peer-case-notify-ok"), stranger())],
        }),
      );
      same(
        none.reply.results.map((x) => x.status),
        ["rejected"],
        "results when every envelope is refused",
      );
    },
    {
      covers: [
        "FRX-FED-038",
        "FRX-FED-039",
        "FRX-RCPT-012",
        "FRX-FED-031",
        "FRX-FED-032",
        "FRX-SIG-019",
      ],
    },
  ),

  t("FRX-FED-028", async (h) => {
    const good = peerEnvelope(h);
    const sent = await sendAsPeer(h, { envelopes: [good] });
    const first = await reply(h, sent);
    const again = await reply(h, await sendAsPeer(h, { envelopes: [good], txnId: sent.txnId }));
    same(again.reply.results, first.reply.results, "the results of the retried transaction");
    same(
      (await inboxItems(h, "LI", (i) => i.messageId === h.idOf(good))).length,
      1,
      "deliveries of the retried envelope",
    );
  }),

  t("FRX-FED-029", async (h) => {
    // An envelope that expires in three seconds: once that instant has passed (well within the
    // skew) a retry of its transaction must still get the stored results, not a new judgement.
    const expiresAt = Date.now() + 3_000;
    const good = peerEnvelope(h, { expiresAt: new Date(expiresAt).toISOString() });
    const sent = await sendAsPeer(h, { envelopes: [good] });
    const first = await reply(h, sent);
    same(first.reply.results[0]?.status, "accepted", "the first answer");
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, expiresAt + 1_500 - Date.now())),
    );
    const again = await reply(h, await sendAsPeer(h, { envelopes: [good], txnId: sent.txnId }));
    same(again.reply.results, first.reply.results, "the results of the retry after expiresAt");
  }),

  t("FRX-FED-033", async (h) => {
    // Signed by the peer's agency, claiming to come from an agency of the node under test.
    const env = h.envelope("peer-case-notify-ok", { from: h.id("POL") });
    const r = await reply(
      h,
      await sendAsPeer(h, { envelopes: [h.sign(env, h.kit.secrets.peerAgency)] }),
    );
    same(
      [r.reply.results[0]!.status, r.reply.results[0]!.code],
      ["rejected", "envelope.signer-mismatch"],
      "the result",
    );
  }),

  t("FRX-FED-035", async (h) => {
    const env = h.envelope("peer-case-notify-ok", { to: [{ participant: h.peer.docs.agency }] });
    const r = await reply(h, await sendAsPeer(h, { envelopes: [h.sign(env)] }));
    same(
      [r.reply.results[0]!.status, r.reply.results[0]!.code],
      ["rejected", "routing.recipient-unknown"],
      "the result",
    );
  }),

  t("FRX-FED-034", async (h) => {
    const key = generateSigningKey().privateJwk;
    const template = h.peer.docs.directory().directory.participants[0]!;
    const off = {
      ...template,
      id: `${h.peer.node}:OFF`,
      name: "Conformance harness disabled peer agency",
      status: "disabled" as const,
    };
    const pub = publicJwkOf(key);
    h.peer.docs.extraParticipants.push({
      ...off,
      keys: [{ kty: "OKP", crv: "Ed25519", x: pub.x, kid: pub.kid!, status: "current" }],
    });
    const jws = h.sign(h.envelope("peer-case-notify-ok", { from: off.id }), key);
    const r = await reply(h, await sendAsPeer(h, { envelopes: [jws] }));
    same(
      [r.reply.results[0]!.status, r.reply.results[0]!.code],
      ["rejected", "auth.participant-disabled"],
      "the result",
    );
  }),

  t("FRX-FED-008", async (h) => {
    // The peer's agency starts using a new key, listed in its directory from now on.
    const fresh = generateSigningKey().privateJwk;
    h.peer.docs.extraKeys.push(publicJwkOf(fresh));
    const jws = h.sign(h.envelope("peer-case-notify-ok"), fresh);
    const r = await reply(h, await sendAsPeer(h, { envelopes: [jws] }));
    same(
      [r.reply.results[0]!.status, r.reply.results[0]!.code],
      ["accepted", undefined],
      "the envelope signed with the new key",
    );
  }),

  t("FRX-FED-036", async (h) => {
    // Addressed to LI here and to another agency of the origin node: the node serves its own
    // address only, and never sends the envelope on (back to XA, or anywhere).
    const env = h.envelope("peer-case-notify-ok", {
      to: [{ participant: h.id("LI") }, { participant: `${h.peer.node}:CONF-OTHER` }],
    });
    const jws = h.sign(env);
    const r = await reply(h, await sendAsPeer(h, { envelopes: [jws] }));
    same(r.reply.results[0]?.status, "accepted", `the result (${r.reply.results[0]?.code ?? ""})`);
    await waitForInbox(h, "LI", (i) => i.messageId === env.id, `message ${env.id}`, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    same(
      h.peer.envelopes().filter((e) => e.jws === jws).length,
      0,
      "transactions of the node that carried the peer's envelope",
    );
    for (const other of ["VS", "POL", "IMM"] as const)
      same(
        (await inboxItems(h, other, (i) => i.messageId === env.id)).length,
        0,
        `copies in ${h.id(other)}'s inbox`,
      );
  }),
];
