import { MessageType } from "@frx/spec";
import type { AppContext } from "../context.js";
import { noticeOps } from "../domain/notices.js";
import { pad } from "../store/db.js";
import type { CaseRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";

/** One envelope waiting for one peer. */
export interface OutboxItem {
  seq: number;
  peer: string;
  messageId: string;
  jws: string;
  digest: string;
  from: string;
  case?: string;
  expiresAt: string;
  enqueuedAt: string;
  attempts: number;
}

/** The transaction in flight to a peer: persisted before it is sent, so a restart resends the same txnId. */
export interface InFlight {
  txnId: string;
  keys: string[];
  createdAt: string;
  attempts: number;
  lastAttemptAt?: string;
}

export const queueKey = (peer: string, seq: number) => `q!${peer}!${pad(seq)}`;
export const inFlightKey = (peer: string) => `txn!${peer}`;

/** The ops that queue an envelope for a peer (in the same batch as the message itself). */
export function enqueueOps(
  ctx: AppContext,
  peer: string,
  item: Omit<OutboxItem, "seq" | "peer" | "attempts">,
): Op[] {
  const seq = ctx.outboxSeq.next();
  const value: OutboxItem = { ...item, seq, peer, attempts: 0 };
  return [
    { type: "put", aggregate: "outbox", key: queueKey(peer, seq), value },
    { type: "put", aggregate: "meta", key: "outboxSeq", value: ctx.outboxSeq.value },
  ];
}

/** A line on the case timeline about delivery to a peer (queued, delivered with receipt, failed). */
export async function deliveryTimelineOps(
  ctx: AppContext,
  item: OutboxItem,
  note: string,
  at: string,
): Promise<Op[]> {
  if (!item.case) return [];
  const c = await ctx.store.get<CaseRecord>("cases", item.case);
  if (!c) return [];
  const entry: TimelineEntry = {
    at,
    messageId: item.messageId,
    type: "delivery",
    from: ctx.config.node,
    to: [item.peer],
    note,
  };
  return [
    { type: "put", aggregate: "timeline", key: `${c.case}!${pad(c.timelineLength)}`, value: entry },
    {
      type: "put",
      aggregate: "cases",
      key: c.case,
      value: { ...c, timelineLength: c.timelineLength + 1, updatedAt: at },
    },
  ];
}

/** Tells the sending agency (if it is one of ours) that an envelope could not be delivered. */
export function failureNoticeOps(
  ctx: AppContext,
  item: OutboxItem,
  reason: "expired" | "peer_unreachable" | "refused_by_peer" | "recipient_unknown",
  detail: { errorCode?: string; detail?: string; attempts: number; lastAttemptAt?: string },
): Op[] {
  if (!item.from.startsWith(`${ctx.config.node}:`)) return [];
  return noticeOps(ctx, MessageType.DeliveryFailed, {
    to: [item.from],
    body: {
      messageId: item.messageId,
      reason,
      attempts: detail.attempts,
      ...(detail.errorCode ? { errorCode: detail.errorCode } : {}),
      ...(detail.lastAttemptAt ? { lastAttemptAt: detail.lastAttemptAt } : {}),
      ...(detail.detail ? { detail: detail.detail.slice(0, 1000) } : {}),
    },
  }).ops;
}
