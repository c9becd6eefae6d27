import { instantMs, validateDocument, type Types } from "@frx/spec";
import { holds, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually } from "../harness/inbox.js";
import { section } from "./define.js";
import {
  attemptsOf,
  deliveryFailed,
  peerEnvelope,
  sendAsPeer,
  sendToPeer,
  sendWake,
  STATUS_503,
} from "./federation-support.js";
import { applyNext, inForce, underControl } from "./trust-chain.js";

/**
 * A list in force that stops the node federating: expired, or suspending the node itself, or
 * suspending the peer. Each test queues an envelope for XA (which answers 503 meanwhile) so
 * that the node is retrying when the list changes, then watches what reaches XA.
 */
const t = section("federation/trust-lapse", "federation");

/** Longer than two backoff caps of the kit's configuration (federation.backoffCapMs 1000). */
const QUIET_MS = 3_000;

/**
 * LI's envelope for the peer agency, stored and queued, once the node is seen trying XA (a
 * transaction refused with 503: this envelope's, or one queued before it).
 */
async function queuedForPeer(h: Harness): Promise<string> {
  h.peer.script.set([], STATUS_503);
  const seen = h.peer.arrivals.length;
  const { id } = await sendToPeer(h);
  await eventually(
    () => Promise.resolve(h.peer.arrivals.length > seen),
    `an attempt to send to ${h.peer.node} after ${id} was queued`,
    6_000,
  );
  return id;
}

/** Asserts that nothing reaches the peer, accepting everything, for QUIET_MS. */
async function nothingSent(h: Harness, why: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 500)); // an attempt already on the wire lands
  const arrivals = h.peer.arrivals.length;
  const wakes = h.peer.wakes.length;
  h.peer.script.reset();
  await new Promise((r) => setTimeout(r, QUIET_MS));
  same(h.peer.arrivals.length - arrivals, 0, `transactions the node sent to XA ${why}`);
  same(h.peer.wakes.length - wakes, 0, `wakes the node sent to XA ${why}`);
}

/** Every way in from XA refused with `code`: a transaction and a wake. */
async function inboundRefused(h: Harness, code: "trust.list-expired" | "trust.member-suspended") {
  h.problem((await sendAsPeer(h, { envelopes: [peerEnvelope(h)] })).http, code);
  h.problem(await sendWake(h), code);
}

export const trustLapseTests = [
  t(
    "FRX-TRUST-015",
    async (h) =>
      underControl(h, async () => {
        const id = await queuedForPeer(h);
        const expiresAt = new Date(Date.now() + 3_000).toISOString();
        const v = await applyNext(h, "a version expiring in 3 s", { expiresAt });
        const ready = await eventually(
          async () => {
            const r = await h.http.call("GET", "/readyz");
            return r.status === 503 ? r : false;
          },
          `GET /readyz answering 503 once version ${v.version} expired at ${expiresAt}`,
          15_000,
          200,
        );
        const body = await holds("the readiness answer", () =>
          validateDocument<Types.Readiness>("api/readiness.json", ready.json()),
        );
        same(body.trustList.version, v.version, "the expired list's version in /readyz");
        same(
          instantMs(body.trustList.expiresAt ?? ""),
          instantMs(expiresAt),
          "the expired list's expiresAt in /readyz",
        );
        await nothingSent(h, "after its list in force expired");
        await inboundRefused(h, "trust.list-expired");
        // An envelope for the peer's agency is refused; one between its own agencies is not.
        await h.refused(h.sign(h.envelope("outbound-case-notify-ok")), "trust.list-expired");
        await h.accepted(h.sign(h.envelope("case-notify-ok")));
        same(
          attemptsOf(h, id).filter((a) => a.answer === "accept").length,
          0,
          `deliveries of ${id} while the list was expired`,
        );
      }),
    { covers: ["FRX-TRUST-016", "FRX-TRUST-017", "FRX-TRUST-019"] },
  ),

  t(
    "FRX-TRUST-028",
    async (h) =>
      underControl(h, async () => {
        const id = await queuedForPeer(h);
        const f = await inForce(h);
        await applyNext(h, `a version suspending ${h.node.id}`, {
          members: f.list.members.map((m) =>
            m.node === h.node.id ? { ...m, status: "suspended" } : m,
          ),
        });
        await nothingSent(h, "while its own list suspends it");
        await inboundRefused(h, "trust.member-suspended");
        same(
          attemptsOf(h, id).filter((a) => a.answer === "accept").length,
          0,
          `deliveries of ${id} while the node was suspended`,
        );
      }),
    { covers: ["FRX-TRUST-027"] },
  ),

  t("FRX-FED-054", async (h) =>
    underControl(h, async () => {
      const id = await queuedForPeer(h);
      const f = await inForce(h);
      await applyNext(h, `a version suspending ${h.peer.node}`, {
        members: f.list.members.map((m) =>
          m.node === h.peer.node ? { ...m, status: "suspended" } : m,
        ),
      });
      const notice = await deliveryFailed(h, id, 10_000);
      same(
        [notice.envelope.body.reason, notice.envelope.body.errorCode],
        ["recipient_unknown", "routing.recipient-unknown"],
        "delivery.failed reason and errorCode",
      );
    }),
  ),
];
