import {
  checkPolicy,
  FrxError,
  idempotencyVerdict,
  isFrxError,
  signReceipt,
  verifyEnvelope,
  type AnyMessage,
  type VerifiedEnvelope,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { asPolicyParticipant, type Address } from "../domain/directory.js";
import type { MessageRecord, ParticipantRecord } from "../store/records.js";
import type { Op } from "../store/store.js";
import { stateChange } from "./effects.js";
import { registryOps } from "../domain/registry.js";
import { attachmentOps } from "./attachment-ops.js";
import { inboxOps } from "./inbox-ops.js";
import type { Mutex } from "./mutex.js";

export interface IngestResult {
  status: "accepted" | "duplicate";
  messageId: string;
  receipt: string;
  deliveredTo: string[];
}

/**
 * The ingest pipeline for an envelope an agency submits to its own node:
 * size → parse → signature → schema → sender registered and active → (in order, one at a
 * time) idempotency → routing → policy → state machines → one batch with message, state,
 * inbox items, deadlines and audit entries, synced to disk → signed receipt.
 *
 * Signature and schema checks run concurrently; everything that reads and changes state
 * runs through one queue so each message takes effect once, in order. The queue does not
 * wait for the disk: commits are grouped, and each caller waits for its own batch.
 */
export class Ingest {
  constructor(private readonly ctx: AppContext) {}

  private get queue(): Mutex {
    return this.ctx.serial;
  }

  async submit(jws: string): Promise<IngestResult> {
    const ctx = this.ctx;
    let verified: VerifiedEnvelope;
    try {
      verified = await verifyEnvelope(jws, {
        resolveKey: (kid) => ctx.directory.resolveKey(kid),
        now: ctx.clock.now(),
        skewSeconds: ctx.config.skewSeconds,
        maxBytes: ctx.config.limits.envelopeBytes,
      });
      await this.assertLocalSender(verified.message);
    } catch (error) {
      await this.refuse(error, undefined);
      throw error;
    }
    const { commit, result } = await this.queue.run(() => this.apply(verified));
    try {
      await commit;
    } catch (error) {
      ctx.logger.error("store.write-failed", {
        messageId: verified.message.id,
        error: String(error),
      });
      throw error;
    }
    if (result.status === "accepted") {
      ctx.metrics.inc("frx_envelopes_accepted_total", { type: verified.message.type });
      for (const p of result.deliveredTo) ctx.inboxSignal.notify(p);
    } else {
      ctx.metrics.inc("frx_envelopes_duplicate_total");
    }
    return result;
  }

  /** Runs inside the queue: decides, builds one batch, and queues it; returns the pending write. */
  private async apply(
    verified: VerifiedEnvelope,
  ): Promise<{ commit: Promise<void>; result: IngestResult }> {
    const ctx = this.ctx;
    const message = verified.message;
    const at = ctx.clock.now().toISOString();
    try {
      const stored = await ctx.store.get<MessageRecord>("messages", message.id);
      if (idempotencyVerdict(stored?.digest, verified.digest) === "duplicate") {
        const ops = ctx.audit.append(at, {
          kind: "duplicate",
          actor: message.from,
          messageId: message.id,
          digest: verified.digest,
        });
        return {
          commit: ctx.store.commit(ops),
          result: {
            status: "duplicate",
            messageId: message.id,
            receipt: stored!.receipt,
            deliveredTo: stored!.deliveredTo,
          },
        };
      }
      const sender = (await ctx.directory.get(message.from))!;
      const { local, remote } = await ctx.directory.resolve(message.to as Address[]);
      if (remote.length > 0) {
        throw new FrxError(
          "routing.recipient-unknown",
          "this node has no federation peer for a recipient",
          remote.map((r) => ({
            pointer: `/to/${r.toIndex}`,
            code: "routing.recipient-unknown" as const,
            message: "no federation peer serves this node",
          })),
        );
      }
      this.assertAccepts(message, local);
      const caseRecord = message.case
        ? await ctx.store.get<{ consent?: Record<string, unknown>; consentWithdrawn: boolean }>(
            "cases",
            message.case,
          )
        : undefined;
      const violations = checkPolicy(message, {
        sender: asPolicyParticipant(sender, ctx.config.node),
        recipients: local.map((p) => ({
          ...asPolicyParticipant(p, ctx.config.node),
          toIndex: p.toIndex,
        })),
        ...(caseRecord?.consent ? { consent: caseRecord.consent as never } : {}),
        consentWithdrawn: caseRecord?.consentWithdrawn ?? false,
      });
      if (violations.length > 0) {
        throw new FrxError(
          violations[0]!.code,
          `refused by policy: ${violations.map((v) => `${v.pointer} ${v.code}`).join("; ")}`,
          violations,
        );
      }
      const recipients = local.map((p) => p.id);
      const grants = await attachmentOps(ctx, message, recipients, at);
      const change = await stateChange(ctx, message, recipients, at);
      const receipt = signReceipt(
        {
          frx: "1",
          receiptId: ctx.ids(),
          messageId: message.id,
          digest: verified.digest,
          receivedAt: at,
          node: ctx.config.node,
          status: "accepted",
          deliveredTo: recipients,
        },
        ctx.signer,
      );
      const record: MessageRecord = {
        id: message.id,
        digest: verified.digest,
        jws: verified.jws,
        receipt,
        receivedAt: at,
        from: message.from,
        type: message.type,
        ...(message.case ? { case: message.case } : {}),
        ...(message.referral ? { referral: message.referral } : {}),
        deliveredTo: recipients,
      };
      const ops: Op[] = [
        { type: "put", aggregate: "messages", key: message.id, value: record },
        ...change.ops,
        ...inboxOps(ctx, recipients, message.id, at),
        ...registryOps(message, at),
        ...grants,
        ...ctx.audit.append(at, {
          kind: "accepted",
          actor: message.from,
          messageId: message.id,
          digest: verified.digest,
        }),
        ...recipients.flatMap((p) =>
          ctx.audit.append(at, {
            kind: "delivered",
            actor: p,
            messageId: message.id,
            digest: verified.digest,
          }),
        ),
      ];
      return {
        commit: ctx.store.commit(ops),
        result: { status: "accepted", messageId: message.id, receipt, deliveredTo: recipients },
      };
    } catch (error) {
      if (!isFrxError(error)) throw error;
      // A refusal is recorded too, then reported to the caller.
      const ops = ctx.audit.append(at, {
        kind: "refused",
        actor: message.from,
        messageId: message.id,
        digest: verified.digest,
        code: error.code,
      });
      const written = ctx.store.commit(ops);
      return { commit: written.then(() => Promise.reject(error)), result: undefined as never };
    }
  }

  private async assertLocalSender(message: AnyMessage): Promise<void> {
    const sender = await this.ctx.directory.get(message.from);
    if (!sender)
      throw new FrxError(
        "auth.participant-unknown",
        `${message.from} is not registered at node ${this.ctx.config.node}`,
      );
    if (sender.status !== "active")
      throw new FrxError(
        "auth.participant-disabled",
        `${message.from} is disabled at node ${this.ctx.config.node}`,
      );
  }

  private assertAccepts(
    message: AnyMessage,
    recipients: Array<ParticipantRecord & { toIndex: number }>,
  ): void {
    for (const r of recipients) {
      if (r.acceptedTypes.length > 0 && !r.acceptedTypes.includes(message.type)) {
        throw new FrxError("routing.recipient-unknown", `${r.id} does not accept ${message.type}`, [
          {
            pointer: `/to/${r.toIndex}`,
            code: "routing.recipient-unknown",
            message: `does not accept ${message.type}`,
          },
        ]);
      }
    }
  }

  /** Records a refusal that happened before the message could be read (bad signature, unknown key, …). */
  private async refuse(error: unknown, messageId: string | undefined): Promise<void> {
    if (!isFrxError(error)) return;
    const ctx = this.ctx;
    ctx.metrics.inc("frx_envelopes_refused_total", { code: error.code });
    await this.queue
      .run(() => ({
        commit: ctx.store.commit(
          ctx.audit.append(ctx.clock.now().toISOString(), {
            kind: "refused",
            actor: "unknown",
            ...(messageId ? { messageId } : {}),
            code: error.code,
          }),
        ),
      }))
      .then(({ commit }) => commit);
  }
}
