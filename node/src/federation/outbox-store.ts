import { appendTimeline } from "../domain/timeline.js";
import { MessageType } from "@frx/spec";
import type { AppContext } from "../context.js";
import { nodeParticipant, noticeOps } from "../domain/notices.js";
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
  /** Sends of transactions carrying it that are over (settled without a receipt, or abandoned). */
  attempts: number;
  /** When the last of those was sent. */
  lastAttemptAt?: string;
}

/**
 * A transaction in flight to a peer, one of its window (`txn!<peer>!<txnId>`): persisted before
 * it is sent, so a restart resends the same txnId with the same envelopes (FRX-FED-047).
 */
export interface InFlight {
  txnId: string;
  keys: string[];
  /** The cases of its envelopes: no other transaction to the peer may carry them (FRX-FED-087). */
  cases?: string[];
  createdAt: string;
  attempts: number;
  lastAttemptAt?: string;
}

/** An envelope this node gave up on for a peer, kept for operators (`deadLetters`, `<peer>!<messageId>`). */
export interface DeadLetter extends OutboxItem {
  deadAt: string;
  reason: FailureReason;
  /** The code reported to the sender: the peer's for `refused_by_peer`. */
  errorCode?: string;
  /** The peer's detail for `refused_by_peer`, otherwise this node's. */
  detail?: string;
}

/** The peer's signed reply to a transaction, kept as evidence (`deliveries`, `reply!<peer>!<txnId>`). */
export interface ReplyEvidence {
  peer: string;
  txnId: string;
  reply: string;
  at: string;
}

export type FailureReason =
  "expired" | "peer_unreachable" | "refused_by_peer" | "recipient_unknown";

export const queueKey = (peer: string, seq: number) => `q!${peer}!${pad(seq)}`;
export const flightKey = (peer: string, txnId: string) => `txn!${peer}!${txnId}`;
/** Every transaction in flight to the peer. */
export const flightRange = (peer: string) => ({ gte: `txn!${peer}!`, lt: `txn!${peer}!~` });
/** Where a node from before the window kept its one transaction in flight; read once, at start. */
export const legacyFlightKey = (peer: string) => `txn!${peer}`;
export const deadLetterKey = (peer: string, messageId: string) => `${peer}!${messageId}`;
export const deliveryKey = (messageId: string, peer: string) => `${messageId}!${peer}`;
export const replyKey = (peer: string, txnId: string) => `reply!${peer}!${txnId}`;

/** How many sends of transactions carried the item, counting the transaction in flight if given. */
export function attemptsOf(
  item: OutboxItem,
  flight?: InFlight,
): { attempts: number; lastAttemptAt?: string } {
  const lastAttemptAt = flight?.lastAttemptAt ?? item.lastAttemptAt;
  return {
    attempts: Math.min(100_000, item.attempts + (flight?.attempts ?? 0)),
    ...(lastAttemptAt ? { lastAttemptAt } : {}),
  };
}

/** The ops that queue an envelope for a peer (in the same batch as the message itself). */
export function enqueueOps(
  ctx: AppContext,
  peer: string,
  item: Omit<OutboxItem, "seq" | "peer" | "attempts" | "lastAttemptAt">,
): Op[] {
  const seq = ctx.outboxSeq.next();
  const value: OutboxItem = { ...item, seq, peer, attempts: 0 };
  return [
    { type: "put", aggregate: "outbox", key: queueKey(peer, seq), value },
    { type: "put", aggregate: "meta", key: "outboxSeq", value: ctx.outboxSeq.value },
  ];
}

/**
 * The "queued for <peer>" lines on the case timeline, for ingest to add to the batch that
 * stores and queues the envelope. `caseRecord` is the case as the batch leaves it (the
 * `caseRecord` of the state change, whose own timeline line is already counted); the ops
 * must come after that state change's ops, since they put the case again with the longer
 * timeline.
 */
export function queuedTimelineOps(
  ctx: AppContext,
  caseRecord: CaseRecord | undefined,
  peers: string[],
  messageId: string,
  at: string,
  withFiles = false,
): Op[] {
  if (!caseRecord || peers.length === 0) return [];
  const record = structuredClone(caseRecord);
  const ops: Op[] = [];
  for (const peer of peers) {
    const entry: TimelineEntry = {
      at,
      messageId,
      type: "delivery",
      from: ctx.config.node,
      to: [peer],
      // Not "delivered" before the peer holds the files and the envelope (FRX-FED-082).
      note: withFiles ? `files in transit to ${peer}` : `queued for ${peer}`,
    };
    ops.push(appendTimeline(record, entry));
  }
  ops.push({ type: "put", aggregate: "cases", key: record.case, value: record });
  return ops;
}

/**
 * Lines about delivery to a peer (delivered with its receipt, failed) on case timelines,
 * several per batch: each case is read once and its timeline grows in step, so two lines for
 * the same case in one batch never take the same slot. Use inside the node's serial queue,
 * and put `ops()` in the batch once every line has been added.
 */
export class DeliveryTimeline {
  private readonly cases = new Map<string, CaseRecord | null>();
  private readonly lines: Op[] = [];

  constructor(private readonly ctx: AppContext) {}

  async add(item: OutboxItem, note: string, at: string, receipt?: string): Promise<void> {
    if (!item.case) return;
    let c = this.cases.get(item.case);
    if (c === undefined) {
      const stored = await this.ctx.store.get<CaseRecord>("cases", item.case);
      c = stored ? structuredClone(stored) : null;
      this.cases.set(item.case, c);
    }
    if (!c) return;
    const entry: TimelineEntry = {
      at,
      messageId: item.messageId,
      type: "delivery",
      from: this.ctx.config.node,
      to: [item.peer],
      note,
      ...(receipt ? { receipt } : {}),
    };
    this.lines.push(appendTimeline(c, entry));
  }

  ops(): Op[] {
    return [
      ...this.lines,
      ...[...this.cases.values()]
        .filter((c): c is CaseRecord => c !== null)
        .map((c): Op => ({ type: "put", aggregate: "cases", key: c.case, value: c })),
    ];
  }
}

/** Tells the sending agency (if it is one of ours) that an envelope could not be delivered. */
export function failureNoticeOps(
  ctx: AppContext,
  item: OutboxItem,
  reason: FailureReason,
  detail: {
    errorCode?: string;
    detail?: string;
    attempts: number;
    lastAttemptAt?: string;
    /** The files the peer had not reported complete (FRX-FED-083). */
    attachments?: string[];
  },
): Op[] {
  // The node's own notices (a deadline escalation a peer refused) have no agency to tell: the
  // dead letter is the operator's record.
  if (
    !item.from.startsWith(`${ctx.config.node}:`) ||
    item.from === nodeParticipant(ctx.config.node)
  )
    return [];
  return noticeOps(ctx, MessageType.DeliveryFailed, {
    to: [item.from],
    body: {
      messageId: item.messageId,
      reason,
      attempts: detail.attempts,
      ...(detail.errorCode ? { errorCode: detail.errorCode } : {}),
      ...(detail.lastAttemptAt ? { lastAttemptAt: detail.lastAttemptAt } : {}),
      ...(detail.attachments ? { attachments: detail.attachments.slice(0, 50) } : {}),
      ...(detail.detail ? { detail: detail.detail.slice(0, 1000) } : {}),
    },
  }).ops;
}
