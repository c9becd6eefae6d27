import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import {
  attemptsOf,
  deadLetterKey,
  deliveryKey,
  DeliveryTimeline,
  failureNoticeOps,
  queueKey,
  type DeadLetter,
  type FailureReason,
  type InFlight,
  type OutboxItem,
} from "./outbox-store.js";
import type { judgeResults } from "./reply-reader.js";
import { undeliveredFiles } from "./attachment-push.js";

type Verdict = Awaited<ReturnType<typeof judgeResults>>[number];

/** What becomes of an item of a transaction that ends without a reply: dead-lettered, or (null) queued again at its place. */
export type Fate = { reason: FailureReason; errorCode: string; detail: string } | null;

/**
 * The ops that end a transaction in flight without a reply (the peer left the federation, an
 * envelope is too large or names a file the peer refused, or one expired and the transaction is
 * abandoned, FRX-FED-053): each item dead-lettered as `fate` says, or back in the queue with this
 * transaction's sends counted. The item keeps its place, so it still goes before every later
 * envelope of its case (FRX-FED-087). The caller deletes the transaction's record in the same batch.
 */
export async function endFlightOps(
  ctx: AppContext,
  peer: string,
  flight: InFlight,
  items: OutboxItem[],
  fate: (item: OutboxItem) => Fate,
  timeline: DeliveryTimeline,
  at: string,
): Promise<Op[]> {
  const ops: Op[] = [];
  for (const item of items) {
    const f = fate(item);
    if (f)
      ops.push(
        ...(await deadLetterOps(
          ctx,
          peer,
          timeline,
          item,
          f.reason,
          { errorCode: f.errorCode, detail: f.detail },
          at,
          flight,
        )),
      );
    else ops.push(requeueOp(peer, item, flight));
  }
  return ops;
}

/**
 * The ops that settle a verified reply, envelope by envelope: a delivered one is recorded with
 * its receipt (and leaves the queue), a rejected one is dead-lettered, one whose receipt did
 * not verify goes back on the queue.
 */
export async function settlementOps(
  ctx: AppContext,
  peer: string,
  flight: InFlight,
  items: OutboxItem[],
  verdicts: Verdict[],
  timeline: DeliveryTimeline,
  at: string,
): Promise<Op[]> {
  const ops: Op[] = [];
  for (const [i, item] of items.entries()) {
    const verdict = verdicts[i]!;
    if (verdict.kind === "delivered") {
      ops.push({
        type: "put",
        aggregate: "deliveries",
        key: deliveryKey(item.messageId, peer),
        value: {
          messageId: item.messageId,
          peer: peer,
          status: verdict.status,
          receipt: verdict.receipt,
          txnId: flight.txnId,
          at,
        },
      });
      await timeline.add(item, `delivered to ${peer}`, at, verdict.receipt);
      ops.push(
        ...ctx.audit.append(at, {
          kind: "delivered",
          actor: peer,
          messageId: item.messageId,
          digest: item.digest,
          detail: `receipt from ${peer}`,
        }),
      );
      ops.push({ type: "del", aggregate: "outbox", key: queueKey(peer, item.seq) });
    } else if (verdict.kind === "rejected") {
      ops.push(
        ...(await deadLetterOps(
          ctx,
          peer,
          timeline,
          item,
          "refused_by_peer",
          { ...(verdict.code ? { errorCode: verdict.code } : {}), detail: verdict.detail },
          at,
          flight,
        )),
      );
    } else {
      ctx.logger.error("outbox.receipt-invalid", {
        peer: peer,
        txnId: flight.txnId,
        messageId: item.messageId,
        error: verdict.why,
      });
      ops.push(requeueOp(peer, item, flight));
    }
  }
  return ops;
}

export function requeueOp(peer: string, item: OutboxItem, flight: InFlight): Op {
  const { attempts, lastAttemptAt } = attemptsOf(item, flight);
  return {
    type: "put",
    aggregate: "outbox",
    key: queueKey(peer, item.seq),
    value: {
      ...item,
      attempts,
      ...(lastAttemptAt ? { lastAttemptAt } : {}),
    } satisfies OutboxItem,
  };
}

/**
 * Moves an envelope to the dead letters: its timeline line, the `delivery.failed` notice to
 * its sender (with the real number of sends and the last one's time), the audit entry, and
 * its removal from the queue.
 */
export async function deadLetterOps(
  ctx: AppContext,
  peer: string,
  timeline: DeliveryTimeline,
  item: OutboxItem,
  reason: FailureReason,
  d: { errorCode?: string; detail?: string },
  at: string,
  flight?: InFlight,
): Promise<Op[]> {
  ctx.metrics.inc("frx_federation_delivery_failed_total", { peer: peer, reason });
  const code = d.errorCode ?? `delivery.${reason}`;
  await timeline.add(item, `failed for ${peer}: ${code}`, at);
  const { attempts, lastAttemptAt } = attemptsOf(item, flight);
  const dead: DeadLetter = {
    ...item,
    attempts,
    ...(lastAttemptAt ? { lastAttemptAt } : {}),
    deadAt: at,
    reason,
    ...(d.errorCode ? { errorCode: d.errorCode } : {}),
    ...(d.detail ? { detail: d.detail.slice(0, 1000) } : {}),
  };
  const files = await undeliveredFiles(ctx, peer, item);
  return [
    ...failureNoticeOps(ctx, item, reason, {
      ...d,
      ...(files.length > 0 ? { attachments: files } : {}),
      attempts,
      ...(lastAttemptAt ? { lastAttemptAt } : {}),
    }),
    ...ctx.audit.append(at, {
      kind: "refused",
      actor: peer,
      messageId: item.messageId,
      digest: item.digest,
      code,
    }),
    {
      type: "put",
      aggregate: "deadLetters",
      key: deadLetterKey(peer, item.messageId),
      value: dead,
    },
    { type: "del", aggregate: "outbox", key: queueKey(peer, item.seq) },
  ];
}
