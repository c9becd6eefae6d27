import { createHash } from "node:crypto";
import {
  FrxError,
  isFrxError,
  openTransaction,
  parseCompact,
  REPLY_TYP,
  signCompact,
  signNodeDocument,
  verifyNodeDocument,
  WAKE_TYP,
  type Types,
  type VerifiedTrustList,
  parseInstant,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Ingest } from "../pipeline/ingest.js";

interface StoredReply {
  digests: string[];
  reply: string;
}

/** Per node (several may share a process): the tail of the tasks running under each key. */
const keyLocks = new WeakMap<AppContext, Map<string, Promise<unknown>>>();

/** Runs `task` once every earlier task under the same key has finished, whatever its outcome. */
async function withKeyLock<T>(ctx: AppContext, key: string, task: () => Promise<T>): Promise<T> {
  let locks = keyLocks.get(ctx);
  if (!locks) {
    locks = new Map();
    keyLocks.set(ctx, locks);
  }
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

/**
 * Receives a transaction from a peer: decrypt, verify the node signature against the trust
 * list, then each envelope through the same ingest as local ones (its agency signature
 * against the peer's directory). The signed reply has one result per envelope and is kept,
 * so the same txnId retried gets the same reply. One transaction per origin and txnId is
 * processed at a time: a retry that arrives while the first attempt is still being processed
 * waits for it and gets its reply (FRX-FED-030).
 */
export async function receiveTransaction(
  ctx: AppContext,
  ingest: Ingest,
  txnId: string,
  jwe: string,
): Promise<string> {
  // Steps 1-3: a list is applied, it has not expired, and it does not suspend this node.
  const trust = ctx.trust.inForceFor(ctx.config.node);
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
  return withKeyLock(ctx, key, async () => {
    const stored = await ctx.store.get<StoredReply>("inboundTxns", key);
    if (stored) {
      if (stored.digests.join() !== digests.join())
        throw new FrxError(
          "federation.transaction-conflict",
          `transaction ${txnId} was received before with other envelopes`,
        );
      ctx.metrics.inc("frx_federation_transactions_replayed_total", { peer: txn.origin });
      return replyNow(ctx, stored.reply);
    }
    // Verified together, applied in order, and written with the reply in one synced batch.
    const { outcomes, written } = await ingest.receiveAll(txn.envelopes, txn.origin);
    const results: Types.TransactionResult[] = outcomes.map((r, i) =>
      isFrxError(r)
        ? {
            digest: digests[i]!,
            status: "rejected",
            code: r.code,
            detail: r.message.slice(0, 1000),
            ...(r.violations.length > 0
              ? {
                  violations: r.violations.slice(0, 200).map((v) => ({
                    pointer: v.pointer.slice(0, 1000),
                    code: v.code,
                    message: v.message.slice(0, 1000),
                  })),
                }
              : {}),
            ...(messageIdOf(txn.envelopes[i]!)
              ? { messageId: messageIdOf(txn.envelopes[i]!)! }
              : {}),
          }
        : { messageId: r.messageId, digest: digests[i]!, status: r.status, receipt: r.receipt },
    );
    const reply = signNodeDocument(
      { frx: "1", txnId, node: ctx.config.node, results },
      REPLY_TYP,
      "documents/transaction-reply.json",
      ctx.signer,
    );
    const replyStored = ctx.store.commit([
      {
        type: "put",
        aggregate: "inboundTxns",
        key,
        value: { digests, reply } satisfies StoredReply,
      },
    ]);
    // Nothing is answered before every effect and the reply are on disk (FRX-FED-040).
    await written;
    await replyStored;
    ctx.metrics.inc("frx_federation_transactions_received_total", { peer: txn.origin });
    return reply;
  });
}

/**
 * A peer asks us to flush our outbox to it now. The checks run in the order of the wake
 * table (FRX-FED-062): the list in force and this node's own status, then the JWS, its
 * canonical payload and schema, and only then the signer named by the validated `origin`.
 */
export function receiveWake(ctx: AppContext, jws: string): string {
  const trust = ctx.trust.inForceFor(ctx.config.node);
  const wake = verifyNodeDocument<Types.Wake>(
    jws,
    WAKE_TYP,
    "documents/wake.json",
    trust.list,
    (w) => w.origin,
    (w) => w.sentAt,
  );
  if (wake.destination !== ctx.config.node)
    throw new FrxError("federation.not-destination", `the wake is for ${wake.destination}`);
  const sentAt = parseInstant(wake.sentAt, "/sentAt");
  if (Math.abs(sentAt - ctx.clock.now().getTime()) > ctx.config.skewSeconds * 1000)
    throw new FrxError("federation.transaction-replayed", "the wake is stale");
  ctx.outbox.heardFrom(wake.origin);
  return wake.origin;
}

/** Asks every active peer to flush to us (after a restart or an outage). */
export async function wakePeers(ctx: AppContext): Promise<void> {
  // A node without a trust list serves its own agencies only: nothing to say.
  if (!ctx.trust.list) return;
  let trust: VerifiedTrustList;
  try {
    // No list, an expired one, or one that suspends this node: no wakes (FRX-TRUST-017, FRX-TRUST-027).
    trust = ctx.trust.inForceFor(ctx.config.node);
  } catch (error) {
    ctx.logger.info("peer.wake-skipped", { reason: String(error) });
    return;
  }
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

/**
 * A stored reply, as it may be sent now: unchanged, or with the same payload (the same
 * results, byte for byte) signed again when the key that signed it is no longer the node's
 * current one, since the origin judges a reply's key at the time it arrives (FRX-FED-028).
 */
function replyNow(ctx: AppContext, reply: string): string {
  const parsed = parseCompact(reply, REPLY_TYP);
  return parsed.header.kid === ctx.signer.kid
    ? reply
    : signCompact(parsed.payload, REPLY_TYP, ctx.signer);
}

function messageIdOf(jws: string): string | undefined {
  try {
    const id = (
      JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as {
        id?: unknown;
      }
    ).id;
    return typeof id === "string" && /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
