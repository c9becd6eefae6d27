import {
  digestOf,
  importPublicKey,
  instantMs,
  MessageType,
  publicJwkOf,
  verifyEnvelope,
  verifyReceipt,
} from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import { eventually, referralView } from "../harness/inbox.js";
import { section } from "./define.js";
import {
  attemptsOf,
  deliveredToPeer,
  deliveryFailed,
  reply,
  scripted,
  sendAsPeer,
  sendToPeer,
  STATUS_503,
} from "./federation-support.js";

/** What the node keeps of a delivery, what it never sends once expired, and its own notices abroad. */
const t = section("federation/outbound-evidence", "federation");

interface TimelineEntry {
  messageId: string;
  receipt?: string;
}

export const outboundEvidenceTests = [
  t("FRX-FED-044", async (h) => {
    const { jws, id } = await sendToPeer(h);
    await deliveredToPeer(h, id);
    const peer = h.kit.manifest.peer.node;
    const caseId = String(h.payloadOf(jws).case);
    const entry = await eventually(
      async () => {
        const r = await h.call("GET", `/v1/cases/${encodeURIComponent(caseId)}`, { as: "LI" });
        const line = (r.json<{ timeline?: TimelineEntry[] }>().timeline ?? []).find(
          (e) => e.messageId === id && typeof e.receipt === "string",
        );
        return line ?? false;
      },
      `the peer's receipt for ${id} in the sender's case view`,
      6_000,
    );
    const key = publicJwkOf(h.kit.secrets.nodes[peer]!.signing);
    await holds("the peer's receipt shown to the sender", () =>
      verifyReceipt(entry.receipt!, { messageId: id, digest: digestOf(jws), node: peer }, (kid) =>
        kid === key.kid ? { key: importPublicKey(key), owner: peer } : undefined,
      ),
    );
  }),

  t(
    "FRX-FED-053",
    async (h) => {
      // Two envelopes queued while the peer is down; one expires in 2.5 s. Then the peer takes
      // everything: the other must arrive in a transaction that does not carry the expired one.
      await scripted(h, [], STATUS_503, async () => {
        const short = await sendToPeer(h, {
          expiresAt: new Date(Date.now() + 2_500).toISOString(),
        });
        const long = await sendToPeer(h);
        // Bounds for something to happen, not speeds: after 503s the node backs off and then
        // probes one transaction at a time (FRX-FED-088), behind whatever else it queued for the
        // peer, and a loaded certifier machine stretches that (seen in CI: 8-10 s was too short).
        await deliveryFailed(h, short.id, 30_000);
        h.peer.script.reset();
        await deliveredToPeer(h, long.id, 30_000);
        // Retrying the transaction in flight is allowed; a new transaction carrying the expired
        // envelope (052) or a second attempt of the old one after the expiry (053) is not.
        const expiresAt = instantMs(String(h.payloadOf(short.jws).expiresAt))!;
        const carriers = h.peer.arrivals.filter((x) => x.txn?.envelopes.includes(short.jws));
        const before = new Set(
          carriers.filter((a) => instantMs(a.txn!.sentAt)! <= expiresAt).map((a) => a.pathTxnId),
        );
        const after = carriers.filter((a) => instantMs(a.txn!.sentAt)! > expiresAt);
        for (const a of after)
          check(
            before.has(a.pathTxnId),
            `a new transaction ${a.pathTxnId}, sent at ${a.txn!.sentAt}, carried ${short.id} after it expired`,
          );
        check(
          after.length <= 1,
          `the transaction carrying ${short.id} was tried ${after.length} times after it expired`,
        );
        const shortTxns = new Set(carriers.map((a) => a.pathTxnId));
        const delivered = attemptsOf(h, long.id).filter((a) => a.answer === "accept");
        check(delivered.length > 0, `${long.id} was not delivered`);
        for (const d of delivered)
          check(
            !shortTxns.has(d.txnId),
            `${long.id} was delivered in ${d.txnId}, the transaction that carried the expired ${short.id}`,
          );
      });
    },
    { covers: ["FRX-FED-052"] },
  ),

  t(
    "FRX-DL-001",
    async (h) => {
      // A risk_to_life referral from the peer's agency to LI, left unacknowledged. This node is
      // authoritative (the recipient's), so it runs the acknowledge deadline and, when it
      // passes, tells the referrer abroad: a deadline.overdue from <node>:NODE through its
      // outbox (the kit's acknowledge deadline is 3.6 s).
      const base = h.envelope("outbound-referral-create-ok", {
        from: h.peer.docs.agency,
        to: [{ participant: h.id("LI") }],
      });
      const create = { ...base, body: { ...base.body, urgency: "risk_to_life" } };
      const r = await reply(h, await sendAsPeer(h, { envelopes: [h.sign(create)] }));
      same(
        r.reply.results[0]?.status,
        "accepted",
        `the referral (${r.reply.results[0]?.code ?? ""})`,
      );
      const notice = await eventually(
        () =>
          Promise.resolve(
            h.peer
              .envelopes()
              .find(
                (e) =>
                  h.payloadOf(e.jws).type === MessageType.DeadlineOverdue &&
                  h.payloadOf(e.jws).referral === create.referral,
              ),
          ),
        `a deadline.overdue for referral ${String(create.referral)} at ${h.peer.node}`,
        20_000,
        200,
      );
      same(h.payloadOf(notice.jws).from, `${h.node.id}:NODE`, "the notice's from");
      await holds("the notice's signature, by a node key of the trust list", () =>
        verifyEnvelope(notice.jws, { resolveKey: (kid) => h.nodeKey(kid) }),
      );
    },
    { covers: ["FRX-FED-059"] },
  ),

  t("FRX-REF-009", async (h) => {
    // XA holds the authoritative copy of a referral LI sends to its agency. LI withdraws it while
    // XA answers 503: the node keeps its own copy unchanged until XA's receipt comes back.
    const create = h.envelope("outbound-referral-create-ok");
    await h.accepted(h.sign(create));
    await deliveredToPeer(h, String(create.id));
    const stateNow = async () =>
      (await referralView(h, "LI", create.case!, create.referral!)).state;
    const before = await stateNow();
    const withdraw = h.envelope("referral-withdraw-ok", {
      case: create.case,
      referral: create.referral,
      sequence: 2,
      to: [{ participant: h.peer.docs.agency }],
    });
    await scripted(h, [], STATUS_503, async () => {
      await h.accepted(h.sign(withdraw));
      await eventually(
        () => Promise.resolve(attemptsOf(h, String(withdraw.id)).length > 0),
        `an attempt to send ${String(withdraw.id)} to ${h.peer.node}`,
        6_000,
      );
      same(await stateNow(), before, "the referral's state before XA's receipt for the withdrawal");
    });
    await deliveredToPeer(h, String(withdraw.id));
    await eventually(
      async () => (await stateNow()) === "withdrawn",
      "the withdrawal applied once XA's receipt came back",
      5_000,
    );
  }),
];
