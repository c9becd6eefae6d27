import { parseInstant } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually } from "../harness/inbox.js";
import { section } from "./define.js";
import {
  attemptsOf,
  deliveredToPeer,
  deliveryFailed,
  failedFor,
  reply,
  scripted,
  sendAsPeer,
  sendToPeer,
  STATUS_503,
} from "./federation-support.js";

const t = section("federation/outbound", "federation");

/**
 * The peer answers once with a receipt that fails one check (FRX-RCPT-007); the node must
 * treat it as no receipt and send the envelope again (FRX-FED-045), not give up.
 */
async function resentAfter(h: Harness, fault: "digest" | "message" | "node"): Promise<void> {
  await scripted(h, [{ kind: "bad-receipt", fault }], { kind: "accept" }, async () => {
    const { id } = await sendToPeer(h);
    const outcome = await eventually(
      async () => {
        if (attemptsOf(h, id).some((a) => a.answer === "accept")) return "resent";
        const failed = await failedFor(h, id);
        return failed.length > 0
          ? `delivery.failed (${String(failed[0]!.envelope.body.reason)})`
          : undefined;
      },
      `a retransmission of ${id} after a receipt with a wrong ${fault}`,
      6_000,
      100,
    );
    same(outcome, "resent", `what the node did after a receipt with a wrong ${fault}`);
  });
}

export const outboundTests = [
  t(
    "FRX-FED-013",
    async (h) => {
      const { jws, id } = await sendToPeer(h);
      const arrival = await deliveredToPeer(h, id);
      same(arrival.jws, jws, "the envelope as the peer received it (byte for byte)");
      // The peer's receipt was valid: no retransmission and no delivery.failed follow.
      await new Promise((r) => setTimeout(r, 1_500));
      same(attemptsOf(h, id).length, 1, `transactions carrying ${id}`);
      same((await failedFor(h, id)).length, 0, "delivery.failed notices after a valid receipt");
    },
    { covers: ["FRX-SIG-019", "FRX-ENV-009", "FRX-FED-043"] },
  ),

  t(
    "FRX-FED-011",
    async (h) => {
      const { id } = await sendToPeer(h);
      const arrival = await deliveredToPeer(h, id);
      const a = h.peer.arrivals.find((x) => x.txn?.txnId === arrival.txnId)!;
      const { alg, enc, typ, zip, iss } = a.jweHeader ?? {};
      same(
        [alg, enc, typ, zip, iss],
        ["ECDH-ES", "A256GCM", "frx-transaction+jwe", undefined, h.node.id],
        "the JWE protected header (alg, enc, typ, zip, iss)",
      );
      same(
        [a.txn!.origin, a.txn!.destination],
        [h.node.id, h.peer.node],
        "the transaction's origin and destination",
      );
      same(a.pathTxnId, a.txn!.txnId, "the path's txnId");
      same(a.contentType.split(";")[0], "application/jose", "the request's Content-Type");
      const skew = Math.abs(parseInstant(a.txn!.sentAt, "/sentAt") - a.at);
      check(skew < 5_000, `sentAt ${a.txn!.sentAt} is not the instant of signing`);
    },
    { covers: ["FRX-FED-012", "FRX-FED-014"] },
  ),

  t(
    "FRX-FED-047",
    async (h) => {
      await scripted(h, [STATUS_503, STATUS_503], { kind: "accept" }, async () => {
        const { jws, id } = await sendToPeer(h);
        await deliveredToPeer(h, id);
        const attempts = attemptsOf(h, id);
        check(
          attempts.length >= 3,
          `expected retries after two 503s; ${attempts.length} attempt(s)`,
        );
        same(new Set(attempts.map((a) => a.txnId)).size, 1, "distinct txnIds across retries");
        check(
          attempts.every((a) => a.jws === jws),
          "a retry carried other bytes than the envelope as submitted",
        );
      });
    },
    { covers: ["FRX-RCPT-011", "FRX-FED-042"] },
  ),

  t("FRX-FED-068", async (h) => {
    // The peer never answers the first attempt: the node's deadline (3 s in the kit's
    // overrides) must end it and a retry deliver the envelope.
    await scripted(h, [{ kind: "hang" }], { kind: "accept" }, async () => {
      const { id } = await sendToPeer(h);
      await deliveredToPeer(h, id, 15_000);
      const answers = attemptsOf(h, id).map((a) => a.answer);
      same(answers[0], "hang", "the peer's answer to the first attempt");
    });
  }),

  t("FRX-FED-041", async (h) => {
    await scripted(h, [{ kind: "bad-reply" }], { kind: "accept" }, async () => {
      const { id } = await sendToPeer(h);
      await deliveredToPeer(h, id);
      const attempts = attemptsOf(h, id);
      same(
        attempts.map((a) => a.answer),
        ["bad-reply", "accept"],
        "the peer's answers (a reply for another txnId is no reply)",
      );
      same(new Set(attempts.map((a) => a.txnId)).size, 1, "distinct txnIds across retries");
    });
  }),

  t("FRX-FED-045", async (h) => resentAfter(h, "digest"), {
    covers: ["FRX-RCPT-007", "FRX-RCPT-010"],
  }),
  t("FRX-RCPT-009", async (h) => resentAfter(h, "message"), { covers: ["FRX-RCPT-007"] }),
  t("FRX-RCPT-008", async (h) => resentAfter(h, "node"), { covers: ["FRX-RCPT-007"] }),

  t(
    "FRX-FED-055",
    async (h) => {
      await scripted(
        h,
        [{ kind: "reject", code: "policy.consent-scope" }],
        { kind: "accept" },
        async () => {
          const { id } = await sendToPeer(h);
          const notice = await deliveryFailed(h, id);
          same(
            [notice.envelope.body.reason, notice.envelope.body.errorCode],
            ["refused_by_peer", "policy.consent-scope"],
            "delivery.failed reason and errorCode",
          );
        },
      );
    },
    { covers: ["FRX-RCPT-014", "FRX-MSG-008"] },
  ),

  t(
    "FRX-FED-046",
    async (h) => {
      const create = h.envelope("outbound-referral-create-ok");
      const createJws = h.sign(create);
      await h.accepted(createJws);
      await deliveredToPeer(h, h.idOf(createJws));
      const accept = h.sign(
        h.envelope("peer-referral-accept-ok", {
          case: create.case,
          referral: create.referral,
          sequence: 2,
        }),
      );
      const r = await reply(h, await sendAsPeer(h, { envelopes: [accept] }));
      same(
        r.reply.results[0]?.status,
        "accepted",
        `the peer's referral.accept (${r.reply.results[0]?.code ?? "no code"})`,
      );
      const ids = await scripted(h, [STATUS_503], { kind: "accept" }, async () => {
        const out: string[] = [];
        for (const sequence of [3, 4, 5]) {
          const jws = h.sign(
            h.envelope("outbound-referral-update-ok", {
              case: create.case,
              referral: create.referral,
              sequence,
            }),
          );
          await h.accepted(jws);
          out.push(h.idOf(jws));
        }
        await deliveredToPeer(h, out[2]!);
        return out;
      });
      const firstSeen = [...new Set(h.peer.envelopes().map((e) => h.idOf(e.jws)))].filter((x) =>
        ids.includes(x),
      );
      same(firstSeen, ids, "the order in which the referral's updates reached the peer");
    },
    { covers: ["FRX-RCPT-013"] },
  ),

  t("FRX-FED-087", async (h) => {
    // The peer holds the first transaction until the node's deadline ends it. A later envelope
    // of the same case may leave only once that transaction is settled, however wide the
    // node's window; one of another case may go meanwhile.
    await scripted(h, [{ kind: "hang" }], { kind: "accept" }, async () => {
      const first = h.envelope("outbound-case-notify-ok");
      const firstJws = h.sign(first);
      await h.accepted(firstJws);
      const firstId = h.idOf(firstJws);
      await eventually(
        () => Promise.resolve(attemptsOf(h, firstId).length > 0 || undefined),
        `a transaction carrying ${firstId}`,
        15_000,
        50,
      );
      const { id: sameCase } = await sendToPeer(h, { case: first.case });
      const { id: otherCase } = await sendToPeer(h);
      await deliveredToPeer(h, sameCase, 20_000);
      await deliveredToPeer(h, otherCase, 20_000);
      const settled = attemptsOf(h, firstId).find((a) => a.answer === "accept");
      check(settled !== undefined, `${firstId} was not delivered before ${sameCase}`);
      const early = attemptsOf(h, sameCase).filter((a) => a.at < settled!.at);
      same(
        early.map((a) => a.txnId),
        [],
        `transactions carrying ${sameCase} sent while one carrying ${firstId} (same case) was in flight`,
      );
    });
  }),

  t(
    "FRX-FED-051",
    async (h) => {
      await scripted(h, [], STATUS_503, async () => {
        const { id } = await sendToPeer(h, {
          expiresAt: new Date(Date.now() + 2_500).toISOString(),
        });
        const notice = await deliveryFailed(h, id, 10_000);
        same(
          [notice.envelope.body.reason, notice.envelope.body.errorCode],
          ["expired", "delivery.expired"],
          "delivery.failed reason and errorCode",
        );
        same(notice.envelope.from, `${h.node.id}:NODE`, "delivery.failed from");
        check(
          attemptsOf(h, id).every((a) => a.answer !== "accept"),
          "the peer accepted it",
        );
      });
    },
    { covers: ["FRX-RCPT-014"] },
  ),
];
