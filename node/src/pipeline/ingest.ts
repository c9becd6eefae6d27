import {
  checkPolicy,
  FrxError,
  idempotencyVerdict,
  isFrxError,
  signReceipt,
  type AnyMessage,
  type VerifiedEnvelope,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { assertRegistryRules, registryOps } from "../domain/registry.js";
import { enqueueOps, queuedTimelineOps } from "../federation/outbox-store.js";
import type { CaseRecord, MessageRecord } from "../store/records.js";
import { consentsForPolicy } from "../domain/consents.js";
import type { Op } from "../store/store.js";
import { attachmentOps, custodyOps } from "./attachment-ops.js";
import { sealEnvelope } from "../privacy/envelopes.js";
import { verifyIncoming } from "./verify-incoming.js";
import { assertDeadlineAuthority, isCoordinator, isDeadlineNotice } from "./deadline-notices.js";
import { stateChange } from "./effects.js";
import { inboxOps } from "./inbox-ops.js";
import { assertOverrideApproval } from "./override-approval.js";
import { assertCaseParty, partiesAdded } from "./case-parties.js";
import { asPolicyParticipant } from "../domain/directory.js";
import {
  assertCanTravel,
  fetchPeerDirectories,
  route,
  senderOf,
  type Recipient,
  type Routed,
} from "./routing.js";

export interface IngestResult {
  status: "accepted" | "duplicate";
  messageId: string;
  receipt: string;
  deliveredTo: string[];
  /** Peer nodes the envelope was queued for. */
  queuedFor: string[];
}

/**
 * The ingest pipeline. `submit` takes an envelope an agency sends its own node; `receive`
 * one a peer node delivers in a federation transaction. Both run:
 * size → parse → signature → schema → sender checks → (in order, one at a time) idempotency
 * → routing → policy → state machines → one batch with message, state, inbox items,
 * outbox items, deadlines and audit entries, synced to disk → signed receipt.
 *
 * Signature and schema checks run on worker threads (ctx.verifier); everything that reads and changes state runs
 * through one queue so each message takes effect once, in order. The queue does not wait for
 * the disk: commits are grouped, and each caller waits for its own batch.
 */
export class Ingest {
  constructor(private readonly ctx: AppContext) {}

  /** `as`: the participant of the agency token that accompanied the submission, if one did. */
  async submit(jws: string, as?: string): Promise<IngestResult> {
    const verified = await this.verify(jws, null);
    if (as !== undefined && as !== verified.message.from) {
      throw new FrxError(
        "auth.forbidden",
        `the token is ${as}'s; the envelope is from ${verified.message.from}`,
      );
    }
    assertCanTravel(this.ctx, verified.message, verified.jws);
    // Outside the serial section: a peer slow to answer must not hold back other envelopes.
    await fetchPeerDirectories(this.ctx, verified.message);
    return this.applyAndWait(verified, null);
  }

  /** An envelope from a peer node; its agency signature is checked against that peer's directory. */
  async receive(jws: string, origin: string): Promise<IngestResult> {
    const verified = await this.verify(jws, origin);
    return this.applyAndWait(verified, origin);
  }

  private verify(jws: string, origin: string | null): Promise<VerifiedEnvelope> {
    return verifyIncoming(this.ctx, jws, origin);
  }

  /**
   * The envelopes of one peer transaction (FRX-FED-031): verified together on the pool, then
   * applied one after another in their order, each queued for the store without waiting for
   * the disk, so that the whole transaction (and what the caller commits right after, such as
   * its reply) goes to disk in one synced batch. Returns each envelope's result or refusal,
   * known once it is applied, and `written`, which resolves once every effect is on disk;
   * nothing may be acknowledged before it does (FRX-FED-040).
   */
  async receiveAll(
    jwss: readonly string[],
    origin: string,
  ): Promise<{ outcomes: Array<IngestResult | FrxError>; written: Promise<void> }> {
    const checked = await Promise.all(
      jwss.map((jws) =>
        this.verify(jws, origin).catch((error: unknown) => {
          if (isFrxError(error)) return error;
          throw error;
        }),
      ),
    );
    const outcomes: Array<IngestResult | FrxError> = [];
    const commits: Array<Promise<void>> = [];
    const accepted: Array<[VerifiedEnvelope, IngestResult]> = [];
    for (const check of checked) {
      if (isFrxError(check)) {
        outcomes.push(check);
        continue;
      }
      const applied = await this.ctx.serial.run(() => this.apply(check, origin));
      commits.push(applied.commit);
      if ("refusal" in applied) outcomes.push(applied.refusal);
      else {
        outcomes.push(applied.result);
        accepted.push([check, applied.result]);
      }
    }
    const written = Promise.all(commits).then(() => {
      for (const [verified, result] of accepted) this.announce(verified, result);
    });
    // The caller awaits it; this only keeps a failed write from surfacing as unhandled first.
    written.catch(() => undefined);
    return { outcomes, written };
  }

  private async applyAndWait(
    verified: VerifiedEnvelope,
    origin: string | null,
  ): Promise<IngestResult> {
    const applied = await this.ctx.serial.run(() => this.apply(verified, origin));
    await applied.commit;
    if ("refusal" in applied) throw applied.refusal;
    this.announce(verified, applied.result);
    return applied.result;
  }

  /** Once a result is on disk: count it, wake the recipients' long-polls and the peers' outboxes. */
  private announce(verified: VerifiedEnvelope, result: IngestResult): void {
    const ctx = this.ctx;
    if (result.status === "accepted") {
      ctx.metrics.inc("frx_envelopes_accepted_total", { type: verified.message.type });
      for (const p of result.deliveredTo) ctx.inboxSignal.notify(p);
      for (const peer of result.queuedFor) ctx.outbox.notify(peer);
    } else {
      ctx.metrics.inc("frx_envelopes_duplicate_total");
    }
  }

  /** Runs inside the queue: decides, builds one batch, and queues it; returns the pending write. */
  private async apply(verified: VerifiedEnvelope, origin: string | null): Promise<Applied> {
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
            queuedFor: [],
          },
        };
      }
      const { local, remote } = await route(ctx, message, origin);
      const caseRecord = message.case
        ? await ctx.store.get<CaseRecord>("cases", message.case)
        : undefined;
      // Before anything else reads the case: a non-party learns nothing of it (FRX-MSG-010).
      assertCaseParty(
        message,
        origin,
        caseRecord,
        local.map((p) => p.id),
        // A deadline escalation also reaches this node's coordinators (FRX-DL-013).
        isDeadlineNotice(message) ? local.filter(isCoordinator).map((p) => p.id) : [],
      );
      // Only the thread's authoritative node speaks of its deadlines (FRX-DL-012).
      await assertDeadlineAuthority(ctx, message);
      // Held attachments come before policy (FRX-ENV-021): the envelope may only name files its
      // sender can read here, or, from a peer, files that peer transferred here (FRX-FED-081).
      const grants = await attachmentOps(
        ctx,
        message,
        local.map((p) => p.id),
        at,
        origin,
      );
      const violations = checkPolicy(
        message,
        await policyContext(ctx, message, origin, local, [...remote.values()].flat()),
      );
      if (violations.length > 0) {
        throw new FrxError(
          violations[0]!.code,
          `refused by policy: ${violations.map((v) => `${v.pointer} ${v.code}`).join("; ")}`,
          violations,
        );
      }
      await assertOverrideApproval(ctx, message, origin);
      await assertRegistryRules(ctx, message, origin);
      const recipients = local.map((p) => p.id);
      const addressed = [...recipients, ...[...remote.values()].flat().map((r) => r.id)];
      const change = await stateChange(
        ctx,
        message,
        addressed,
        at,
        await partiesAdded(ctx, message, origin, addressed),
      );
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
      // One sealed value for the record and every queued copy: the same text under the same
      // binding (FRX-DP-001), so it need not be encrypted once per place it is kept.
      const sealed = sealEnvelope(ctx.dataKeys, message.id, verified.jws);
      const record: MessageRecord = {
        id: message.id,
        digest: verified.digest,
        jws: sealed,
        receipt,
        receivedAt: at,
        from: message.from,
        type: message.type,
        ...(message.case ? { case: message.case } : {}),
        ...(message.referral ? { referral: message.referral } : {}),
        deliveredTo: recipients,
      };
      const queued = [...remote.keys()];
      const ops: Op[] = [
        { type: "put", aggregate: "messages", key: message.id, value: record },
        ...change.ops,
        // After change.ops: it writes the case record again, with the "queued for" timeline lines.
        ...queuedTimelineOps(
          ctx,
          change.caseRecord,
          queued,
          message.id,
          at,
          (message.attachments ?? []).length > 0,
        ),
        ...inboxOps(ctx, recipients, message.id, at),
        ...(origin === null ? registryOps(message, at) : []),
        ...grants,
        ...custodyOps(ctx, message, origin, recipients, at),
        ...queued.flatMap((peer) =>
          enqueueOps(ctx, peer, {
            messageId: message.id,
            jws: sealed,
            digest: verified.digest,
            from: message.from,
            ...(message.case ? { case: message.case } : {}),
            expiresAt: message.expiresAt,
            enqueuedAt: at,
          }),
        ),
        // One entry per accepted message, naming the participants it was delivered to here.
        ...ctx.audit.append(at, {
          kind: "accepted",
          actor: message.from,
          messageId: message.id,
          digest: verified.digest,
          ...(recipients.length > 0 ? { deliveredTo: recipients } : {}),
          ...(origin ? { detail: `from node ${origin}` } : {}),
        }),
      ];
      return {
        commit: ctx.store.commit(ops),
        result: {
          status: "accepted",
          messageId: message.id,
          receipt,
          deliveredTo: recipients,
          queuedFor: queued,
        },
      };
    } catch (error) {
      if (!isFrxError(error)) throw error;
      ctx.metrics.inc("frx_envelopes_refused_total", { code: error.code });
      // A refusal is recorded too, then reported to the caller.
      const ops = ctx.audit.append(at, {
        kind: "refused",
        actor: message.from,
        messageId: message.id,
        digest: verified.digest,
        code: error.code,
      });
      return { commit: ctx.store.commit(ops), refusal: error };
    }
  }
}

/** An envelope applied in the queue: its result or its refusal, and the write that records it. */
type Applied =
  { commit: Promise<void>; result: IngestResult } | { commit: Promise<void>; refusal: FrxError };

/** What the policy needs: the sender, every resolved recipient (here and at peers), and each person's consent on record. */
async function policyContext(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
  local: Routed["local"],
  remote: Recipient[],
) {
  const caseRecord = message.case
    ? await ctx.store.get<CaseRecord>("cases", message.case)
    : undefined;
  return {
    sender: await senderOf(ctx, message, origin),
    recipients: [
      ...local.map((p) => ({ ...asPolicyParticipant(p, ctx.config.node), toIndex: p.toIndex })),
      ...remote,
    ],
    consents: consentsForPolicy(caseRecord),
  };
}
