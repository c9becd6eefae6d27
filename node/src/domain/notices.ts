import {
  digestOf,
  signEnvelope,
  signReceipt,
  validateMessage,
  type AnyMessage,
  type MessageType,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { MessageRecord } from "../store/records.js";
import type { Op } from "../store/store.js";
import { inboxOps } from "../pipeline/inbox-ops.js";
import { sealEnvelope } from "../privacy/envelopes.js";
import { enqueueOps } from "../federation/outbox-store.js";
import { nodeOf } from "./deadline-parties.js";

/** The participant id a node uses for the notices it sends itself: `<node>:NODE`. */
export function nodeParticipant(node: string): string {
  return `${node}:NODE`;
}

/**
 * A notice from the node (deadline reminders and escalations, delivery failures): a
 * schema-valid envelope signed with the node's key, stored like any message, delivered to the
 * inboxes of the recipients at this node, queued in the outbox for each other node that has
 * recipients (FRX-FED-059), and audited, all as ops for one batch. `queuedFor` names those
 * nodes, for the caller to wake their outboxes once the batch is on disk.
 */
export function noticeOps(
  ctx: AppContext,
  type: MessageType,
  fields: { case?: string; referral?: string; to: string[]; body: Record<string, unknown> },
): { ops: Op[]; message: AnyMessage; queuedFor: string[] } {
  const here = fields.to.filter((p) => nodeOf(p) === ctx.config.node);
  const queuedFor = [...new Set(fields.to.map(nodeOf).filter((n) => n !== ctx.config.node))];
  const now = ctx.clock.now();
  const at = now.toISOString();
  const envelope = {
    frx: "1",
    id: ctx.ids(),
    type,
    from: nodeParticipant(ctx.config.node),
    to: fields.to.map((participant) => ({ participant })),
    ...(fields.case ? { case: fields.case } : {}),
    ...(fields.referral ? { referral: fields.referral } : {}),
    sentAt: at,
    expiresAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    purpose: "case_coordination",
    legalBasis: { code: "public_task" },
    tier: "T1",
    body: fields.body,
  };
  const message = validateMessage(envelope);
  const jws = signEnvelope(message, ctx.signer);
  const digest = digestOf(jws);
  const receipt = signReceipt(
    {
      frx: "1",
      receiptId: ctx.ids(),
      messageId: message.id,
      digest,
      receivedAt: at,
      node: ctx.config.node,
      status: "accepted",
      deliveredTo: here,
    },
    ctx.signer,
  );
  const record: MessageRecord = {
    id: message.id,
    digest,
    jws: sealEnvelope(ctx.dataKeys, message.id, jws),
    receipt,
    receivedAt: at,
    from: message.from,
    type,
    ...(fields.case ? { case: fields.case } : {}),
    ...(fields.referral ? { referral: fields.referral } : {}),
    deliveredTo: here,
  };
  return {
    message,
    queuedFor,
    ops: [
      { type: "put", aggregate: "messages", key: message.id, value: record },
      ...inboxOps(ctx, here, message.id, at),
      ...queuedFor.flatMap((peer) =>
        enqueueOps(ctx, peer, {
          messageId: message.id,
          jws: sealEnvelope(ctx.dataKeys, message.id, jws),
          digest,
          from: message.from,
          ...(fields.case ? { case: fields.case } : {}),
          expiresAt: message.expiresAt,
          enqueuedAt: at,
        }),
      ),
      ...ctx.audit.append(at, {
        kind: "notice",
        actor: message.from,
        messageId: message.id,
        digest,
        detail: `${type} to ${fields.to.join(", ")}`,
      }),
    ],
  };
}
