import { instantMs } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import {
  flightKey,
  type DeliveryTimeline,
  type InFlight,
  type OutboxItem,
} from "./outbox-store.js";
import { deadLetterOps } from "./settlement.js";
import { FlightPlan, type Busy, type WindowEntry } from "./window.js";

/** The protocol's largest transaction (FRX-FED-013). */
const MAX_BATCH = 50;
/**
 * Queued items one build looks at beyond those in flight: a long queue of one case that is in
 * flight is passed over this far, not read whole each time a transaction settles.
 */
const SCAN_LIMIT = 1000;

/** By this node's own clock, without the skew (FRX-FED-051, FRX-FED-060); a time that is not an instant (FRX-ENV-031) counts as passed. */
export function expired(item: OutboxItem, now: Date): boolean {
  return (instantMs(item.expiresAt) ?? -Infinity) <= now.getTime();
}

/**
 * A new transaction for the peer's window, as the ops that record it in flight (FRX-FED-047)
 * and its entry, or a null entry when nothing may go: the queue in stored order, less what
 * `busy` holds (the window's transactions, and one the same batch settles, whose removal the
 * store does not show until that batch is written), and less the envelopes of the cases they
 * carry (FRX-FED-087). Queued envelopes already past their expiresAt are dead-lettered on the
 * way and never put into a new transaction (FRX-FED-052). Runs in the node's serial queue.
 */
export async function nextFlightOps(
  ctx: AppContext,
  peer: string,
  now: Date,
  timeline: DeliveryTimeline,
  busy: Busy,
): Promise<{ ops: Op[]; entry: WindowEntry | null }> {
  const batchSize = Math.max(1, Math.min(MAX_BATCH, ctx.config.federation.batchSize));
  const at = now.toISOString();
  const ops: Op[] = [];
  const plan = new FlightPlan(busy, batchSize);
  const pageSize = batchSize + busy.keys.size;
  let scanned = 0;
  let from = `q!${peer}!`;
  let done = false;
  while (!done) {
    // Keys first: the queue's head is mostly the window's own envelopes, whose values (each a
    // sealed envelope) this build does not need.
    const page = await ctx.store.keys("outbox", { gte: from, lt: `q!${peer}!~`, limit: pageSize });
    for (const key of page) {
      if (busy.keys.has(key)) continue;
      // As this node last wrote it (a settled or abandoned transaction's items, not yet on disk).
      const item = await ctx.store.get<OutboxItem>("outbox", key);
      if (!item) continue;
      const verdict = plan.offer(key, item.case, expired(item, now));
      if (verdict === "in-flight") continue;
      if (verdict === "expired")
        ops.push(
          ...(await deadLetterOps(
            ctx,
            peer,
            timeline,
            item,
            "expired",
            { errorCode: "delivery.expired", detail: "not delivered before its expiresAt" },
            at,
          )),
        );
      if (plan.full || ++scanned >= SCAN_LIMIT) {
        done = true;
        break;
      }
    }
    if (page.length < pageSize) break;
    from = `${page[page.length - 1]!}\u0000`;
  }
  if (plan.taken.length === 0) return { ops, entry: null };
  const flight: InFlight = {
    txnId: ctx.ids(),
    keys: plan.taken,
    cases: plan.takenCases(),
    createdAt: at,
    attempts: 0,
  };
  const key = flightKey(peer, flight.txnId);
  ops.push({ type: "put", aggregate: "outbox", key, value: flight });
  return { ops, entry: { key, flight, owned: true } };
}
