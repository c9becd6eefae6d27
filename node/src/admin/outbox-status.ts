import { FrxError, instantMs } from "@frx/spec";
import type { AppContext } from "../context.js";
import {
  deadLetterKey,
  queueKey,
  type DeadLetter,
  type InFlight,
  type OutboxItem,
} from "../federation/outbox-store.js";
import type { DeadlineRecord } from "../store/records.js";

export interface PeerStatus {
  peer: string;
  endpoint?: string;
  status?: string;
  queued: number;
  /** The transactions of the peer's window, oldest first (FRX-FED-047). */
  inFlight: Array<{ txnId: string; envelopes: number; attempts: number; lastAttemptAt?: string }>;
  deadLetters: number;
  lastError?: string;
  lastContactAt?: string;
  nextAttemptAt?: string;
}

/** Each trust-list member's outbox (and any peer with something queued or dead). */
export async function peerStatuses(ctx: AppContext): Promise<PeerStatus[]> {
  const members = ctx.trust.list?.list.members ?? [];
  const queued = new Map<string, number>();
  const flights = new Map<string, InFlight[]>();
  for (const [key, value] of await ctx.store.range<unknown>("outbox")) {
    const [kind, peer] = key.split("!") as [string, string];
    if (kind === "q") queued.set(peer, (queued.get(peer) ?? 0) + 1);
    else if (kind === "txn") flights.set(peer, [...(flights.get(peer) ?? []), value as InFlight]);
  }
  const dead = new Map<string, number>();
  for (const [key] of await ctx.store.range("deadLetters")) {
    const peer = key.split("!")[0]!;
    dead.set(peer, (dead.get(peer) ?? 0) + 1);
  }
  const workers = ctx.outbox.status();
  const peers = new Set([
    ...members.map((m) => m.node).filter((n) => n !== ctx.config.node),
    ...queued.keys(),
    ...dead.keys(),
  ]);
  return [...peers].sort().map((peer) => {
    const member = members.find((m) => m.node === peer);
    const window = flights.get(peer) ?? [];
    const w = workers[peer];
    return {
      peer,
      ...(member ? { endpoint: member.endpoint, status: member.status } : {}),
      queued: queued.get(peer) ?? 0,
      inFlight: window.map((flight) => ({
        txnId: flight.txnId,
        envelopes: flight.keys.length,
        attempts: flight.attempts,
        ...(flight.lastAttemptAt ? { lastAttemptAt: flight.lastAttemptAt } : {}),
      })),
      deadLetters: dead.get(peer) ?? 0,
      ...(w?.lastError ? { lastError: w.lastError } : {}),
      ...(w?.lastContactAt ? { lastContactAt: w.lastContactAt } : {}),
      ...(w?.nextAttemptAt ? { nextAttemptAt: w.nextAttemptAt } : {}),
    };
  });
}

export async function listDeadLetters(ctx: AppContext): Promise<Omit<DeadLetter, "jws">[]> {
  return (await ctx.store.range<DeadLetter>("deadLetters")).map(([, d]) => {
    const { jws: _jws, ...rest } = d;
    return rest;
  });
}

/**
 * Queues a dead letter again, unchanged, for the same peer (FRX-ADM-010), or discards it;
 * either way with an audit entry, in one batch.
 */
export async function settleDeadLetter(
  ctx: AppContext,
  peer: string,
  messageId: string,
  action: "retry" | "discard",
  actor: string,
): Promise<void> {
  const { commit } = await ctx.serial.run(async () => {
    const key = deadLetterKey(peer, messageId);
    const dead = await ctx.store.get<DeadLetter>("deadLetters", key);
    if (!dead)
      throw new FrxError("request.not-found", `no dead letter ${messageId} for peer ${peer}`);
    const now = ctx.clock.now();
    if (action === "retry" && (instantMs(dead.expiresAt) ?? -Infinity) <= now.getTime())
      throw new FrxError("delivery.expired", `${messageId} expired at ${dead.expiresAt}`);
    const ops = ctx.audit.append(now.toISOString(), {
      kind: "admin",
      actor,
      messageId,
      detail: `dead letter ${messageId} for ${peer} ${action === "retry" ? "queued again" : "discarded"}`,
    });
    ops.push({ type: "del", aggregate: "deadLetters", key });
    if (action === "retry") {
      const seq = ctx.outboxSeq.next();
      const { deadAt: _d, reason: _r, errorCode: _e, detail: _t, ...item } = dead;
      const queuedItem: OutboxItem = { ...item, seq, attempts: 0, enqueuedAt: now.toISOString() };
      delete queuedItem.lastAttemptAt;
      ops.push(
        { type: "put", aggregate: "outbox", key: queueKey(peer, seq), value: queuedItem },
        { type: "put", aggregate: "meta", key: "outboxSeq", value: seq },
      );
    }
    return { commit: ctx.store.commit(ops) };
  });
  await commit;
  if (action === "retry") ctx.outbox.notify(peer);
}

/** Deadlines past due and not yet met, oldest first. */
export async function overdueDeadlines(ctx: AppContext): Promise<DeadlineRecord[]> {
  const now = ctx.clock.now().toISOString();
  return (await ctx.store.range<DeadlineRecord>("deadlines", { gte: "r!", lt: "r!~" }))
    .map(([, d]) => d)
    .filter((d) => d.dueAt <= now)
    .sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1));
}
