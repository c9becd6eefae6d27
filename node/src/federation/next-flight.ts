import { instantMs } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import {
  inFlightKey,
  queueKey,
  type DeliveryTimeline,
  type InFlight,
  type OutboxItem,
} from "./outbox-store.js";
import { deadLetterOps } from "./settlement.js";

/** The protocol's largest transaction (FRX-FED-013). */
const MAX_BATCH = 50;

/** By this node's own clock, without the skew (FRX-FED-051, FRX-FED-060); a time that is not an instant (FRX-ENV-031) counts as passed. */
export function expired(item: OutboxItem, now: Date): boolean {
  return (instantMs(item.expiresAt) ?? -Infinity) <= now.getTime();
}

/**
 * A new transaction from the head of the peer's queue, as the ops that record it in flight
 * (FRX-FED-047), or null when nothing is queued. Queued envelopes already past their
 * expiresAt are dead-lettered on the way and never put into a new transaction (FRX-FED-052).
 * `exclude`: queue keys the same batch removes (those of the transaction it settles), which
 * the store still holds until that batch is written. Runs in the node's serial queue.
 */
export async function nextFlightOps(
  ctx: AppContext,
  peer: string,
  now: Date,
  timeline: DeliveryTimeline,
  exclude: ReadonlySet<string>,
): Promise<{ ops: Op[]; flight: InFlight | null }> {
  const batchSize = Math.max(1, Math.min(MAX_BATCH, ctx.config.federation.batchSize));
  const at = now.toISOString();
  const ops: Op[] = [];
  const live: OutboxItem[] = [];
  let from = `q!${peer}!`;
  for (;;) {
    const page = await ctx.store.range<OutboxItem>("outbox", {
      gte: from,
      lt: `q!${peer}!~`,
      limit: batchSize + exclude.size,
    });
    for (const [key, item] of page) {
      if (exclude.has(key)) continue;
      if (expired(item, now))
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
      else if (live.length < batchSize) live.push(item);
    }
    if (live.length >= batchSize || page.length < batchSize + exclude.size) break;
    from = `${page[page.length - 1]![0]}\u0000`;
  }
  const flight: InFlight | null =
    live.length === 0
      ? null
      : {
          txnId: ctx.ids(),
          keys: live.map((q) => queueKey(peer, q.seq)),
          createdAt: at,
          attempts: 0,
        };
  if (flight) ops.push({ type: "put", aggregate: "outbox", key: inFlightKey(peer), value: flight });
  return { ops, flight };
}
