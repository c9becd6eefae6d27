import { openEnvelope } from "../privacy/envelopes.js";
import {
  DEFAULT_MAX_ENVELOPE_BYTES,
  isFrxError,
  sealTransaction,
  type Types,
  type VerifiedTrustList,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import {
  DeliveryTimeline,
  inFlightKey,
  replyKey,
  type InFlight,
  type OutboxItem,
  type ReplyEvidence,
} from "./outbox-store.js";
import { expired, nextFlightOps } from "./next-flight.js";
import { deadLetterOps, requeueOp, settlementOps } from "./settlement.js";
import { judgeResults, readReply } from "./reply-reader.js";
import { descriptorsOf, pushFiles, type RefusedFile } from "./attachment-push.js";

type Outcome = "idle" | "sent" | "failed";

/**
 * Delivers one peer's queue: builds a transaction of up to `batchSize` envelopes (after
 * dead-lettering those already past their expiresAt), persists it as in flight, sends it, and
 * on a verified reply records each receipt (or refusal) and removes the envelopes, all in one
 * batch. An envelope whose receipt is missing or does not verify stays queued for a later
 * transaction. Failures back off exponentially with full jitter, capped, until the peer is
 * heard from again; after each failure, a transaction in flight that carries an expired
 * envelope is abandoned: the expired ones are dead-lettered and their senders told, the
 * others go out in a new transaction.
 */
export class PeerWorker {
  private attempts = 0;
  private backoffMs = 0;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private stopped = false;
  private pending = false;
  /** For operators (the admin API's outbox view): what went wrong last, and when. */
  private lastError: string | undefined;
  private lastContactAt: string | undefined;
  private nextAttemptAt: string | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly peer: string,
  ) {}

  /**
   * New work for the peer. It starts an idle worker but does not cut a backoff short: the
   * peer failed, and more envelopes for it are no reason to try again sooner.
   */
  kick(): void {
    this.pending = true;
    if (!this.loop) this.loop = this.run().finally(() => (this.loop = null));
  }

  /** The peer was heard from (it sent us a transaction or a wake): retry now. */
  resetBackoff(): void {
    this.attempts = 0;
    this.backoffMs = 0;
    this.kick();
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
  }

  status(): {
    backoffMs: number;
    attempts: number;
    busy: boolean;
    lastError?: string;
    lastContactAt?: string;
    nextAttemptAt?: string;
  } {
    return {
      backoffMs: this.backoffMs,
      attempts: this.attempts,
      busy: this.loop !== null,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastContactAt ? { lastContactAt: this.lastContactAt } : {}),
      ...(this.nextAttemptAt ? { nextAttemptAt: this.nextAttemptAt } : {}),
    };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.pending = false;
      let outcome: Outcome;
      try {
        outcome = await this.attempt();
      } catch (error) {
        this.ctx.logger.error("outbox.attempt-crashed", { peer: this.peer, error: String(error) });
        outcome = "failed";
      }
      if (outcome === "sent") continue;
      if (outcome === "idle" && !this.pending) return;
      if (outcome === "failed") {
        await this.abandonExpired();
        this.attempts++;
        const cap = Math.min(
          this.ctx.config.federation.backoffCapMs,
          this.ctx.config.federation.backoffBaseMs * 2 ** Math.min(this.attempts, 30),
        );
        this.backoffMs = cap;
        const wait = Math.random() * cap;
        this.nextAttemptAt = new Date(this.ctx.clock.now().getTime() + wait).toISOString();
        await this.sleep(wait);
        this.nextAttemptAt = undefined;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async attempt(): Promise<Outcome> {
    const ctx = this.ctx;
    let flight = await this.inFlight();
    if (!flight) return "idle";
    const items = await this.itemsOf(flight);
    if (items.length === 0) {
      await ctx.store.commit([{ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) }]);
      return "sent";
    }
    let trust: VerifiedTrustList;
    try {
      // No list, an expired one, or one that suspends this node: nothing leaves (FRX-TRUST-017, -027).
      trust = ctx.trust.inForceFor(ctx.config.node);
    } catch (error) {
      if (!isFrxError(error)) throw error;
      this.lastError = `${error.code}: ${error.message}`;
      ctx.logger.warn("outbox.not-sending", {
        peer: this.peer,
        code: error.code,
        error: error.message,
      });
      return "failed";
    }
    const member = trust.list.members.find((m) => m.node === this.peer);
    if (!member || member.status !== "active")
      return this.giveUp(
        flight,
        items,
        "recipient_unknown",
        `${this.peer} is no longer an active member`,
      );
    // What no transaction may carry would fail every attempt and hold back the rest (FRX-FED-071).
    // Stored sealed (FRX-DP-001): what travels is the envelope as its sender signed it.
    const envelopes = new Map(items.map((i) => [i, this.envelopeOf(i)]));
    const oversized = items.filter((i) => envelopes.get(i)!.length > DEFAULT_MAX_ENVELOPE_BYTES);
    if (oversized.length > 0) return this.dropOversized(flight, items, oversized);
    // The files first, then the envelopes that name them (FRX-FED-073).
    const files = await pushFiles(ctx, this.peer, member, items);
    if (files.kind === "failed") {
      this.lastError = `files not transferred: ${files.error}`;
      return "failed";
    }
    if (files.kind === "refused") return this.dropRefusedFiles(flight, items, files.files);
    const now = ctx.clock.now();
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId: flight.txnId,
        origin: ctx.config.node,
        destination: this.peer,
        sentAt: now.toISOString(),
        envelopes: items.map((i) => envelopes.get(i)!),
      },
      ctx.signer,
      member.encryptionKey,
    );
    flight = { ...flight, attempts: flight.attempts + 1, lastAttemptAt: now.toISOString() };
    // The count of sends is for operators and notices; the txnId and envelopes were made durable
    // when the transaction was built (FRX-FED-047). So it rides on the next write (the
    // settlement, on success) instead of costing a synced write before every send.
    ctx.store.defer([
      { type: "put", aggregate: "outbox", key: inFlightKey(this.peer), value: flight },
    ]);
    let res: { status: number; text: string; retryAfterMs?: number };
    try {
      res = await ctx.peerClient.call(
        "PUT",
        `${member.endpoint}/transactions/${flight.txnId}`,
        jwe,
      );
    } catch (error) {
      this.lastError = `peer unreachable: ${String(error)}`;
      ctx.logger.warn("outbox.peer-unreachable", {
        peer: this.peer,
        txnId: flight.txnId,
        error: String(error),
      });
      return "failed";
    }
    this.lastContactAt = ctx.clock.now().toISOString();
    if (res.status !== 200) {
      this.lastError = `peer answered ${res.status}: ${res.text.slice(0, 200)}`;
      ctx.logger.warn("outbox.peer-refused", {
        peer: this.peer,
        txnId: flight.txnId,
        status: res.status,
        body: res.text.slice(0, 300),
      });
      return "failed";
    }
    this.lastError = undefined;
    return this.settle(flight, items, res.text, trust);
  }

  /** The signed envelope of a queued item; an item whose content was erased sends nothing readable. */
  private envelopeOf(item: OutboxItem): string {
    return openEnvelope(this.ctx.dataKeys, item.messageId, item.jws) ?? "";
  }

  /** The queued items of a transaction, in its order. */
  private async itemsOf(flight: InFlight): Promise<OutboxItem[]> {
    return (
      await Promise.all(flight.keys.map((k) => this.ctx.store.get<OutboxItem>("outbox", k)))
    ).filter((i): i is OutboxItem => !!i);
  }

  /**
   * The transaction in flight, or a new one from the head of the queue. Queued envelopes
   * already past their expiresAt are dead-lettered on the way and never put into a new
   * transaction (FRX-FED-052).
   */
  private async inFlight(): Promise<InFlight | null> {
    const ctx = this.ctx;
    const existing = await ctx.store.get<InFlight>("outbox", inFlightKey(this.peer));
    if (existing) return existing;
    const { commit, flight } = await ctx.serial.run(async () => {
      const now = ctx.clock.now();
      const timeline = new DeliveryTimeline(ctx);
      const { ops, flight } = await nextFlightOps(ctx, this.peer, now, timeline, new Set());
      ops.push(...timeline.ops());
      return { commit: ops.length > 0 ? ctx.store.commit(ops) : Promise.resolve(), flight };
    });
    await commit;
    return flight;
  }

  /**
   * After a failed attempt, whatever the cause: if the transaction in flight carries an
   * envelope past its expiresAt, abandon that txnId, dead-letter the expired envelopes and
   * leave the others queued, to go out in a new transaction (FRX-FED-051, FRX-FED-053).
   */
  private async abandonExpired(): Promise<void> {
    const ctx = this.ctx;
    try {
      const { commit, abandoned } = await ctx.serial.run(async () => {
        const flight = await ctx.store.get<InFlight>("outbox", inFlightKey(this.peer));
        if (!flight) return { commit: Promise.resolve(), abandoned: null };
        const now = ctx.clock.now();
        const items = await this.itemsOf(flight);
        if (!items.some((i) => expired(i, now)))
          return { commit: Promise.resolve(), abandoned: null };
        const at = now.toISOString();
        const timeline = new DeliveryTimeline(ctx);
        const ops: Op[] = [];
        for (const item of items) {
          if (expired(item, now))
            ops.push(
              ...(await deadLetterOps(
                ctx,
                this.peer,
                timeline,
                item,
                "expired",
                { errorCode: "delivery.expired", detail: "not delivered before its expiresAt" },
                at,
                flight,
              )),
            );
          else ops.push(requeueOp(this.peer, item, flight));
        }
        ops.push(...timeline.ops());
        ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
        return { commit: ctx.store.commit(ops), abandoned: flight };
      });
      await commit;
      if (abandoned)
        ctx.logger.info("outbox.transaction-abandoned", {
          peer: this.peer,
          txnId: abandoned.txnId,
          reason: "an envelope in it expired",
        });
    } catch (error) {
      ctx.logger.error("outbox.expiry-failed", { peer: this.peer, error: String(error) });
    }
  }

  /** An item that stays queued after its transaction is over, with that transaction's sends counted. */
  /**
   * Reads the peer's answer. Only a valid reply settles the transaction (FRX-FED-041): signed
   * by the peer with a key valid now, naming the peer as `node` and this `txnId`, with one
   * result per envelope sent whose digest is that envelope's. Anything else is a failed
   * attempt, retried with the same txnId. Each receipt is judged at its own `receivedAt`
   * (FRX-FED-043); an envelope whose receipt is missing or does not verify stays queued
   * (FRX-FED-045), and a rejected one is dead-lettered (FRX-FED-055). The reply is kept as
   * evidence (FRX-FED-044).
   */
  private async settle(
    flight: InFlight,
    items: OutboxItem[],
    text: string,
    trust: VerifiedTrustList,
  ): Promise<Outcome> {
    const ctx = this.ctx;
    let reply: Types.TransactionReply;
    let replyJws: string;
    try {
      ({ reply, jws: replyJws } = readReply(text, {
        peer: this.peer,
        txnId: flight.txnId,
        sent: items,
        trust: trust.list,
        now: ctx.clock.now(),
      }));
    } catch (error) {
      ctx.logger.error("outbox.reply-invalid", {
        peer: this.peer,
        txnId: flight.txnId,
        error: String(error),
      });
      return "failed";
    }
    const member = trust.list.members.find((m) => m.node === this.peer)!;
    const verdicts = await judgeResults(reply, items, member);

    const { commit } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const timeline = new DeliveryTimeline(ctx);
      const ops: Op[] = [
        {
          type: "put",
          aggregate: "deliveries",
          key: replyKey(this.peer, flight.txnId),
          value: {
            peer: this.peer,
            txnId: flight.txnId,
            reply: replyJws,
            at,
          } satisfies ReplyEvidence,
        },
      ];
      ops.push(...(await settlementOps(ctx, this.peer, flight, items, verdicts, timeline, at)));
      ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
      // The next transaction is built in the same write, so a drain costs one synced write per
      // transaction; not when an envelope is kept for a later one (the worker backs off first).
      if (!verdicts.some((v) => v.kind === "kept")) {
        const next = await nextFlightOps(
          ctx,
          this.peer,
          ctx.clock.now(),
          timeline,
          new Set(flight.keys),
        );
        ops.push(...next.ops);
      }
      ops.push(...timeline.ops());
      return { commit: ctx.store.commit(ops) };
    });
    await commit;
    ctx.metrics.inc("frx_federation_transactions_sent_total", { peer: this.peer });
    if (verdicts.some((v) => v.kind === "kept")) {
      // Sent again in a later transaction, after the backoff: retrying at once would only get
      // the same receipt back while the cause (say, a trust list without the peer's new key) lasts.
      return "failed";
    }
    this.attempts = 0;
    this.backoffMs = 0;
    return "sent";
  }

  /**
   * Dead-letters the envelopes of the transaction that are larger than a transaction may carry
   * (any destination refuses them: `refused_by_peer`, `envelope.too-large`), and puts the
   * others back in the queue for a new transaction without them (FRX-FED-071).
   */
  private async dropOversized(
    flight: InFlight,
    items: OutboxItem[],
    oversized: OutboxItem[],
  ): Promise<Outcome> {
    const ctx = this.ctx;
    const { commit } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const timeline = new DeliveryTimeline(ctx);
      const ops: Op[] = [];
      for (const item of items)
        if (oversized.includes(item))
          ops.push(
            ...(await deadLetterOps(
              ctx,
              this.peer,
              timeline,
              item,
              "refused_by_peer",
              {
                errorCode: "envelope.too-large",
                detail: `${this.envelopeOf(item).length} bytes: a transaction carries envelopes of at most ${DEFAULT_MAX_ENVELOPE_BYTES} bytes`,
              },
              at,
              flight,
            )),
          );
        else ops.push(requeueOp(this.peer, item, flight));
      ops.push(...timeline.ops());
      ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
      return { commit: ctx.store.commit(ops) };
    });
    await commit;
    ctx.logger.warn("outbox.envelope-too-large", {
      peer: this.peer,
      txnId: flight.txnId,
      messageIds: oversized.map((i) => i.messageId),
    });
    return "sent";
  }

  /**
   * Dead-letters the envelopes that name a file the peer refused for good (its bytes do not
   * hash to their digest, or are larger than the peer takes), as `refused_by_peer` with the
   * peer's code (FRX-FED-083), and puts the others back in the queue.
   */
  private async dropRefusedFiles(
    flight: InFlight,
    items: OutboxItem[],
    refused: RefusedFile[],
  ): Promise<Outcome> {
    const ctx = this.ctx;
    const { commit } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const timeline = new DeliveryTimeline(ctx);
      const ops: Op[] = [];
      for (const item of items) {
        const names = new Set(descriptorsOf(this.ctx, item).map((d) => d.sha256));
        const file = refused.find((r) => names.has(r.sha256));
        if (file)
          ops.push(
            ...(await deadLetterOps(
              ctx,
              this.peer,
              timeline,
              item,
              "refused_by_peer",
              { errorCode: file.code, detail: `file ${file.sha256}: ${file.detail}` },
              at,
              flight,
            )),
          );
        else ops.push(requeueOp(this.peer, item, flight));
      }
      ops.push(...timeline.ops());
      ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
      return { commit: ctx.store.commit(ops) };
    });
    await commit;
    ctx.logger.warn("outbox.files-refused", { peer: this.peer, files: refused });
    return "sent";
  }

  /** Dead-letters every envelope of the transaction (the peer is no longer an active member). */
  private async giveUp(
    flight: InFlight,
    items: OutboxItem[],
    reason: "recipient_unknown",
    detail: string,
  ): Promise<Outcome> {
    const ctx = this.ctx;
    const { commit } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const timeline = new DeliveryTimeline(ctx);
      const ops: Op[] = [];
      for (const item of items)
        ops.push(
          ...(await deadLetterOps(
            ctx,
            this.peer,
            timeline,
            item,
            reason,
            { errorCode: "routing.recipient-unknown", detail },
            at,
            flight,
          )),
        );
      ops.push(...timeline.ops());
      ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
      return { commit: ctx.store.commit(ops) };
    });
    await commit;
    return "sent";
  }
}
