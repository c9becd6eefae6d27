import { createHash } from "node:crypto";
import {
  FrxError,
  isFrxError,
  openTransaction,
  REPLY_TYP,
  signNodeDocument,
  verifyNodeDocument,
  WAKE_TYP,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Ingest } from "../pipeline/ingest.js";

interface StoredReply {
  digests: string[];
  reply: string;
}

/**
 * Receives a transaction from a peer: decrypt, verify the node signature against the trust
 * list, then each envelope through the same ingest as local ones (its agency signature
 * against the peer's directory). The signed reply has one result per envelope and is kept,
 * so the same txnId retried gets the same reply.
 */
export async function receiveTransaction(
  ctx: AppContext,
  ingest: Ingest,
  txnId: string,
  jwe: string,
): Promise<string> {
  const trust = ctx.trust.inForce();
  const txn = await openTransaction(jwe, {
    trust,
    decryptionKey: ctx.keys.encryption,
    self: ctx.config.node,
    txnId,
    now: ctx.clock.now(),
    skewSeconds: ctx.config.skewSeconds,
  });
  ctx.outbox.heardFrom(txn.origin);
  const key = `${txn.origin}!${txnId}`;
  const digests = txn.envelopes.map((e) => createHash("sha256").update(e, "ascii").digest("hex"));
  const stored = await ctx.store.get<StoredReply>("inboundTxns", key);
  if (stored) {
    if (stored.digests.join() !== digests.join())
      throw new FrxError(
        "federation.transaction-conflict",
        `transaction ${txnId} was received before with other envelopes`,
      );
    ctx.metrics.inc("frx_federation_transactions_replayed_total", { peer: txn.origin });
    return stored.reply;
  }
  const results: Types.TransactionResult[] = [];
  for (const [i, jws] of txn.envelopes.entries()) {
    try {
      const r = await ingest.receive(jws, txn.origin);
      results.push({
        messageId: r.messageId,
        digest: digests[i]!,
        status: r.status,
        receipt: r.receipt,
      });
    } catch (error) {
      if (!isFrxError(error)) throw error;
      results.push({
        digest: digests[i]!,
        status: "rejected",
        code: error.code,
        detail: error.message.slice(0, 1000),
        ...(error.violations.length > 0
          ? {
              violations: error.violations.slice(0, 200).map((v) => ({
                pointer: v.pointer.slice(0, 1000),
                code: v.code,
                message: v.message.slice(0, 1000),
              })),
            }
          : {}),
        ...(messageIdOf(jws) ? { messageId: messageIdOf(jws)! } : {}),
      });
    }
  }
  const reply = signNodeDocument(
    { frx: "1", txnId, node: ctx.config.node, results },
    REPLY_TYP,
    "documents/transaction-reply.json",
    ctx.signer,
  );
  await ctx.store.commit([
    { type: "put", aggregate: "inboundTxns", key, value: { digests, reply } satisfies StoredReply },
  ]);
  ctx.metrics.inc("frx_federation_transactions_received_total", { peer: txn.origin });
  return reply;
}

/** A peer asks us to flush our outbox to it now. */
export function receiveWake(ctx: AppContext, jws: string): string {
  const trust = ctx.trust.inForce();
  const origin = JSON.parse(
    Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8") || "{}",
  ) as { origin?: unknown };
  if (typeof origin.origin !== "string")
    throw new FrxError("request.malformed", "a wake names its origin");
  const wake = verifyNodeDocument<Types.Wake>(
    jws,
    WAKE_TYP,
    "documents/wake.json",
    trust.list,
    origin.origin,
    (w) => w.sentAt,
  );
  if (wake.destination !== ctx.config.node)
    throw new FrxError("federation.not-destination", `the wake is for ${wake.destination}`);
  if (Math.abs(Date.parse(wake.sentAt) - ctx.clock.now().getTime()) > ctx.config.skewSeconds * 1000)
    throw new FrxError("federation.transaction-replayed", "the wake is stale");
  ctx.outbox.heardFrom(wake.origin);
  return wake.origin;
}

/** Asks every active peer to flush to us (after a restart or an outage). */
export async function wakePeers(ctx: AppContext): Promise<void> {
  const trust = ctx.trust.list;
  if (!trust) return;
  for (const m of trust.list.members) {
    if (m.node === ctx.config.node || m.status !== "active") continue;
    const jws = signNodeDocument(
      {
        frx: "1",
        origin: ctx.config.node,
        destination: m.node,
        sentAt: ctx.clock.now().toISOString(),
      },
      WAKE_TYP,
      "documents/wake.json",
      ctx.signer,
    );
    await ctx.peerClient
      .call("POST", `${m.endpoint}/wake`, jws)
      .catch((e) => ctx.logger.info("peer.wake-failed", { peer: m.node, error: String(e) }));
  }
}

function messageIdOf(jws: string): string | undefined {
  try {
    const id = (
      JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as {
        id?: unknown;
      }
    ).id;
    return typeof id === "string" && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
