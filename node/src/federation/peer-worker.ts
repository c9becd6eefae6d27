import {
  REPLY_TYP,
  sealTransaction,
  verifyNodeDocument,
  verifyReceipt,
  findKey,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";
import {
  deliveryTimelineOps,
  failureNoticeOps,
  inFlightKey,
  type InFlight,
  type OutboxItem,
} from "./outbox-store.js";

type Outcome = "idle" | "sent" | "failed";

/**
 * Delivers one peer's queue: builds a transaction of up to `batchSize` envelopes, persists
 * it as in flight, sends it, and on a verified reply records each receipt (or refusal) and
 * removes the envelopes, all in one batch. Failures back off exponentially with full jitter,
 * capped, until the peer is heard from again. Envelopes past their expiresAt are dead-lettered
 * and their senders told.
 */
export class PeerWorker {
  private attempts = 0;
  private backoffMs = 0;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private stopped = false;
  private pending = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly peer: string,
  ) {}

  kick(): void {
    this.pending = true;
    if (!this.loop) this.loop = this.run().finally(() => (this.loop = null));
    this.wakeUp?.();
  }

  resetBackoff(): void {
    this.attempts = 0;
    this.backoffMs = 0;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
  }

  status() {
    return { backoffMs: this.backoffMs, attempts: this.attempts, busy: this.loop !== null };
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
        this.attempts++;
        const cap = Math.min(
          this.ctx.config.federation.backoffCapMs,
          this.ctx.config.federation.backoffBaseMs * 2 ** Math.min(this.attempts, 30),
        );
        this.backoffMs = cap;
        await this.sleep(Math.random() * cap);
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
    const flight = await this.inFlight();
    if (!flight) return "idle";
    const items = (
      await Promise.all(flight.keys.map((k) => ctx.store.get<OutboxItem>("outbox", k)))
    ).filter((i): i is OutboxItem => !!i);
    const trust = ctx.trust.inForce();
    const member = trust.list.members.find((m) => m.node === this.peer);
    if (!member || member.status !== "active")
      return this.giveUp(
        flight,
        items,
        "recipient_unknown",
        `${this.peer} is no longer an active member`,
      );
    const now = ctx.clock.now();
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId: flight.txnId,
        origin: ctx.config.node,
        destination: this.peer,
        sentAt: now.toISOString(),
        envelopes: items.map((i) => i.jws),
      },
      ctx.signer,
      member.encryptionKey,
    );
    await this.record({
      ...flight,
      attempts: flight.attempts + 1,
      lastAttemptAt: now.toISOString(),
    });
    let res: { status: number; text: string; retryAfterMs?: number };
    try {
      res = await ctx.peerClient.call(
        "PUT",
        `${member.endpoint}/transactions/${flight.txnId}`,
        jwe,
      );
    } catch (error) {
      ctx.logger.warn("outbox.peer-unreachable", {
        peer: this.peer,
        txnId: flight.txnId,
        error: String(error),
      });
      return this.expireOld(flight, items);
    }
    if (res.status !== 200) {
      ctx.logger.warn("outbox.peer-refused", {
        peer: this.peer,
        txnId: flight.txnId,
        status: res.status,
        body: res.text.slice(0, 300),
      });
      return this.expireOld(flight, items);
    }
    return this.settle(flight, items, res.text, trust.list);
  }

  /** The transaction in flight, or a new one from the head of the queue (expired items dead-lettered first). */
  private async inFlight(): Promise<InFlight | null> {
    const ctx = this.ctx;
    const existing = await ctx.store.get<InFlight>("outbox", inFlightKey(this.peer));
    if (existing) return existing;
    const { commit, flight } = await ctx.serial.run(async () => {
      const queued = (
        await ctx.store.range<OutboxItem>("outbox", {
          gte: `q!${this.peer}!`,
          lt: `q!${this.peer}!~`,
          limit: ctx.config.federation.batchSize,
        })
      ).map(([, v]) => v);
      if (queued.length === 0) return { commit: Promise.resolve(), flight: null };
      const flight: InFlight = {
        txnId: ctx.ids(),
        keys: queued.map((q) => `q!${this.peer}!${String(q.seq).padStart(16, "0")}`),
        createdAt: ctx.clock.now().toISOString(),
        attempts: 0,
      };
      return {
        commit: ctx.store.commit([
          { type: "put", aggregate: "outbox", key: inFlightKey(this.peer), value: flight },
        ]),
        flight,
      };
    });
    await commit;
    return flight;
  }

  private async record(flight: InFlight): Promise<void> {
    await this.ctx.store.commit([
      { type: "put", aggregate: "outbox", key: inFlightKey(this.peer), value: flight },
    ]);
  }

  /** Verifies the peer's signed reply and each receipt, then records the outcome of every envelope in one batch. */
  private async settle(
    flight: InFlight,
    items: OutboxItem[],
    text: string,
    trust: Types.TrustList,
  ): Promise<Outcome> {
    const ctx = this.ctx;
    let reply: Types.TransactionReply;
    try {
      const at = ctx.clock.now().toISOString();
      reply = verifyNodeDocument<Types.TransactionReply>(
        (JSON.parse(text) as { reply: string }).reply,
        REPLY_TYP,
        "documents/transaction-reply.json",
        trust,
        this.peer,
        () => at,
      );
      if (reply.txnId !== flight.txnId || reply.results.length !== items.length)
        throw new Error("the reply does not answer this transaction");
    } catch (error) {
      ctx.logger.error("outbox.reply-invalid", {
        peer: this.peer,
        txnId: flight.txnId,
        error: String(error),
      });
      return "failed";
    }
    const resolveNodeKey = (kid: string) => {
      const found = findKey(
        trust.members.filter((m) => m.node === this.peer),
        kid,
        ctx.clock.now().toISOString(),
      );
      return found ? { key: found.key, owner: this.peer } : undefined;
    };
    const { commit } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const ops: Op[] = [];
      for (const [i, item] of items.entries()) {
        const result = reply.results[i]!;
        if (result.status !== "rejected" && result.receipt) {
          try {
            await verifyReceipt(
              result.receipt,
              { messageId: item.messageId, digest: item.digest, node: this.peer },
              resolveNodeKey,
            );
            ops.push({
              type: "put",
              aggregate: "deliveries",
              key: `${item.messageId}!${this.peer}`,
              value: {
                messageId: item.messageId,
                peer: this.peer,
                status: result.status,
                receipt: result.receipt,
                at,
              },
            });
            ops.push(
              ...(await deliveryTimelineOps(
                ctx,
                item,
                `delivered to ${this.peer} (receipt verified)`,
                at,
              )),
            );
            ops.push(
              ...ctx.audit.append(at, {
                kind: "delivered",
                actor: this.peer,
                messageId: item.messageId,
                digest: item.digest,
                detail: `receipt from ${this.peer}`,
              }),
            );
          } catch (error) {
            ctx.logger.error("outbox.receipt-invalid", {
              peer: this.peer,
              messageId: item.messageId,
              error: String(error),
            });
            ops.push(
              ...(await this.failureOps(
                item,
                "refused_by_peer",
                { detail: `receipt did not verify: ${String(error)}` },
                at,
              )),
            );
          }
        } else {
          ops.push(
            ...(await this.failureOps(
              item,
              "refused_by_peer",
              {
                ...(result.code ? { errorCode: result.code } : {}),
                detail: result.detail ?? "refused",
              },
              at,
            )),
          );
        }
        ops.push({
          type: "del",
          aggregate: "outbox",
          key: `q!${this.peer}!${String(item.seq).padStart(16, "0")}`,
        });
      }
      ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
      return { commit: ctx.store.commit(ops) };
    });
    await commit;
    this.attempts = 0;
    this.backoffMs = 0;
    ctx.metrics.inc("frx_federation_transactions_sent_total", { peer: this.peer });
    return "sent";
  }

  private async failureOps(
    item: OutboxItem,
    reason: "expired" | "refused_by_peer" | "recipient_unknown" | "peer_unreachable",
    d: { errorCode?: string; detail?: string },
    at: string,
  ): Promise<Op[]> {
    this.ctx.metrics.inc("frx_federation_delivery_failed_total", { peer: this.peer, reason });
    return [
      ...(await deliveryTimelineOps(
        this.ctx,
        item,
        `failed for ${this.peer}: ${d.errorCode ?? reason}`,
        at,
      )),
      ...failureNoticeOps(this.ctx, item, reason, {
        ...d,
        attempts: item.attempts,
        lastAttemptAt: at,
      }),
      ...this.ctx.audit.append(at, {
        kind: "refused",
        actor: this.peer,
        messageId: item.messageId,
        digest: item.digest,
        code: d.errorCode ?? `delivery.${reason}`,
      }),
    ];
  }

  /** After a failed attempt: if every envelope of the transaction has expired, dead-letter it and tell the senders. */
  private async expireOld(flight: InFlight, items: OutboxItem[]): Promise<Outcome> {
    const now = this.ctx.clock.now().getTime();
    if (items.some((i) => Date.parse(i.expiresAt) > now)) return "failed";
    await this.giveUp(flight, items, "expired", "not delivered before its expiresAt");
    return "failed";
  }

  private async giveUp(
    flight: InFlight,
    items: OutboxItem[],
    reason: "expired" | "recipient_unknown",
    detail: string,
  ): Promise<Outcome> {
    const ctx = this.ctx;
    const { commit } = await ctx.serial.run(async () => {
      const at = ctx.clock.now().toISOString();
      const ops: Op[] = [];
      for (const item of items) {
        ops.push(
          ...(await this.failureOps(
            item,
            reason,
            {
              errorCode: reason === "expired" ? "delivery.expired" : "routing.recipient-unknown",
              detail,
            },
            at,
          )),
        );
        ops.push({
          type: "put",
          aggregate: "deadLetters",
          key: `${this.peer}!${item.messageId}`,
          value: { ...item, deadAt: at, reason },
        });
        ops.push({
          type: "del",
          aggregate: "outbox",
          key: `q!${this.peer}!${String(item.seq).padStart(16, "0")}`,
        });
      }
      ops.push({ type: "del", aggregate: "outbox", key: inFlightKey(this.peer) });
      return { commit: ctx.store.commit(ops) };
    });
    await commit;
    void flight;
    return "sent";
  }
}
