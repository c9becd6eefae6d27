import {
  generateSigningKey,
  parseInstant,
  publicJwkOf,
  verifyNodeDocument,
  WAKE_TYP,
  type PrivateJwk,
  type Types,
} from "@frx/spec";
import { check, holds, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually, inboxItems } from "../harness/inbox.js";
import { section } from "./define.js";
import {
  attemptsOf,
  deliveredToPeer,
  peerEnvelope,
  reply,
  sendAsPeer,
  sendToPeer,
  STATUS_503,
} from "./federation-support.js";
import { bounce, freshTokensAccepted, pause, RESTART_TEST_MS } from "./restart-support.js";

/**
 * What the node's federation keeps across a crash or a restart of its process (operator steps
 * `restart` and `crash`): the effects and results of transactions it answered, transactions it
 * had in flight, its peers' directories; and the wake it sends when it is back.
 */
const t = section("federation/restart", "federation");
const SKEW_MS = 300_000;

interface Answered {
  txnId: string;
  envelopes: string[];
  results: Types.TransactionResult[];
}

/** XA sends transactions of two envelopes each, one after another from each of `workers`, until `stop`. */
async function transactions(h: Harness, out: Answered[], stop: () => boolean, max: number) {
  let sent = 0;
  const worker = async () => {
    while (!stop() && sent < max) {
      sent++;
      const envelopes = [peerEnvelope(h), peerEnvelope(h)];
      try {
        const s = await sendAsPeer(h, { envelopes });
        if (s.http.status !== 200) continue;
        const r = await reply(h, s);
        out.push({ txnId: s.txnId, envelopes, results: r.reply.results });
      } catch {
        // Cut off by the crash, or sent while the node was down: no reply, nothing answered.
        await pause(50);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** The result of one XA envelope signed with `key`: [status, code]. */
async function resultOf(h: Harness, key: PrivateJwk): Promise<[string, string | undefined]> {
  const jws = h.sign(h.envelope("peer-case-notify-ok"), key);
  const r = await reply(h, await sendAsPeer(h, { envelopes: [jws] }));
  const x = r.reply.results[0]!;
  return [x.status, x.code];
}

export const federationRestartTests = [
  t(
    "FRX-FED-040",
    async (h) => {
      const answered: Answered[] = [];
      let crashed = false;
      const sending = transactions(h, answered, () => crashed, 80);
      try {
        await eventually(
          () => Promise.resolve(answered.length >= 5),
          "five answered transactions before the crash",
          30_000,
        );
        await bounce(h, "crash");
      } finally {
        crashed = true;
        await sending;
      }
      await freshTokensAccepted(h);
      // Each transaction the node answered before the crash: its retry gets the same results,
      // and each envelope it accepted is in LI's inbox once.
      const accepted = new Set<string>();
      for (const a of answered) {
        const again = await reply(
          h,
          await sendAsPeer(h, { txnId: a.txnId, envelopes: a.envelopes }),
        );
        same(
          again.reply.results,
          a.results,
          `the results of transaction ${a.txnId} after the crash`,
        );
        for (const r of a.results)
          if (r.status === "accepted" && r.messageId) accepted.add(r.messageId);
      }
      check(accepted.size > 0, "the node accepted no envelope of the transactions it answered");
      const count = new Map<string, number>();
      for (const i of await inboxItems(h, "LI", (i) => accepted.has(i.messageId)))
        count.set(i.messageId, (count.get(i.messageId) ?? 0) + 1);
      for (const id of accepted)
        same(
          count.get(id) ?? 0,
          1,
          `inbox items at ${h.id("LI")} for ${id}, accepted before the crash`,
        );
    },
    { covers: ["FRX-FED-028"], timeoutMs: RESTART_TEST_MS },
  ),

  t(
    "FRX-FED-089",
    async (h) => {
      // Every attempt fails until the crash: the transaction stays in flight.
      h.peer.script.set([], STATUS_503);
      try {
        const { id } = await sendToPeer(h);
        const first = await eventually(
          () => Promise.resolve(attemptsOf(h, id)[0]),
          `a first attempt of ${id}`,
          15_000,
        );
        const envelopes = h.peer.arrivals.find((a) => a.txn?.txnId === first.txnId)!.txn!.envelopes;
        await bounce(h, "crash");
        h.peer.script.reset();
        const resumed = await deliveredToPeer(h, id, 30_000);
        same(
          resumed.txnId,
          first.txnId,
          `the txnId of the transaction carrying ${id} after the crash`,
        );
        const arrival = h.peer.arrivals.find(
          (a) => a.answer === "accept" && a.txn?.envelopes.some((e) => h.idOf(e) === id),
        );
        same(
          arrival?.txn?.envelopes,
          envelopes,
          "the envelopes of the resumed transaction, in order",
        );
        const txnIds = [...new Set(attemptsOf(h, id).map((a) => a.txnId))];
        same(txnIds, [first.txnId], `the transactions that carried ${id}`);
      } finally {
        h.peer.script.reset();
      }
    },
    { covers: ["FRX-FED-047"], timeoutMs: RESTART_TEST_MS },
  ),

  t(
    "FRX-FED-007",
    async (h) => {
      const docs = h.peer.docs;
      const key = generateSigningKey().privateJwk;
      docs.extraKeys.push(publicJwkOf(key));
      // The key is only in XA's directory: the node fetches it for the unknown kid (FRX-FED-008).
      same(
        await resultOf(h, key),
        ["accepted", undefined],
        "an envelope signed with XA's new agency key",
      );
      docs.directoryUnavailable = true;
      try {
        await bounce(h, "crash");
        same(
          await resultOf(h, key),
          ["accepted", undefined],
          "the same key after the crash, XA's directory unreachable",
        );
        await freshTokensAccepted(h);
        // Addresses at XA resolve from the kept directory too (FRX-FED-056).
        await sendToPeer(h);
      } finally {
        docs.directoryUnavailable = false;
      }
    },
    { timeoutMs: RESTART_TEST_MS },
  ),

  t(
    "FRX-FED-061",
    async (h) => {
      const seen = h.peer.wakes.length;
      const before = Date.now();
      await bounce(h, "restart");
      const wake = await eventually(
        () => Promise.resolve(h.peer.wakes[seen]),
        "a wake after the restart",
        20_000,
      ).catch(() => {
        // Sending a wake at start is a SHOULD (FRX-FED-050); how one is sent is the MUST.
        throw new SkipTest(
          "the node sent XA no wake within 20 s of its restart (FRX-FED-050 is a SHOULD)",
        );
      });
      same(wake.contentType.split(";")[0]!.trim(), "application/jose", "the wake's Content-Type");
      const doc = await holds("the wake", () =>
        verifyNodeDocument<{ origin: string; destination: string; sentAt: string }>(
          wake.body.trim(),
          WAKE_TYP,
          "documents/wake.json",
          h.trust,
          h.node.id,
          (d) => d.sentAt,
        ),
      );
      same(
        [doc.origin, doc.destination],
        [h.node.id, h.peer.node],
        "the wake's origin and destination",
      );
      const at = parseInstant(doc.sentAt, "/sentAt");
      check(
        at >= before - SKEW_MS && at <= wake.at + SKEW_MS,
        `the wake's sentAt ${doc.sentAt} is not the instant it was signed`,
      );
    },
    { covers: ["FRX-FED-050"], timeoutMs: RESTART_TEST_MS },
  ),
];
