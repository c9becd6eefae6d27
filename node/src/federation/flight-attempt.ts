import {
  DEFAULT_MAX_ENVELOPE_BYTES,
  isFrxError,
  sealTransaction,
  type VerifiedTrustList,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { openEnvelope } from "../privacy/envelopes.js";
import type { OutboxItem } from "./outbox-store.js";
import { judgeResults, readReply, type Verdict } from "./reply-reader.js";
import { descriptorsOf, pushFiles } from "./attachment-push.js";
import type { Fate } from "./settlement.js";
import type { WindowEntry } from "./window.js";

/** How one attempt of a transaction in flight ended. */
export type Attempt =
  /** Its envelopes are all gone from the queue (erased, or settled otherwise): drop the record. */
  | { kind: "empty" }
  /** No valid reply (FRX-FED-042): retried with the same txnId after the backoff. `heard`: the peer answered. */
  | { kind: "failed"; error: string; heard: boolean }
  /** It cannot be sent as it is: each item's fate, dead-lettered or queued again (FRX-FED-054, -071, -083). */
  | { kind: "end"; items: OutboxItem[]; fate: (item: OutboxItem) => Fate }
  /** A valid reply (FRX-FED-041): each envelope's verdict, and the reply to keep (FRX-FED-044). */
  | { kind: "replied"; items: OutboxItem[]; verdicts: Verdict[]; reply: string };

/** The signed envelope of a queued item; an item whose content was erased sends nothing readable. */
export function envelopeOf(ctx: AppContext, item: OutboxItem): string {
  return openEnvelope(ctx.dataKeys, item.messageId, item.jws) ?? "";
}

/**
 * Sends one attempt of a transaction of the peer's window: its files first (FRX-FED-073), then
 * the transaction sealed and signed afresh with the same txnId and envelopes (FRX-FED-047), and
 * reads the answer. Only a valid reply settles it (FRX-FED-041); each receipt is judged at its
 * own `receivedAt` (FRX-FED-043). The count of sends rides on the next write.
 */
export async function attemptFlight(
  ctx: AppContext,
  peer: string,
  entry: WindowEntry,
): Promise<Attempt> {
  const items = (
    await Promise.all(entry.flight.keys.map((k) => ctx.store.get<OutboxItem>("outbox", k)))
  ).filter((i): i is OutboxItem => !!i);
  if (items.length === 0) return { kind: "empty" };
  let trust: VerifiedTrustList;
  try {
    // No list, an expired one, or one that suspends this node: nothing leaves (FRX-TRUST-017, -027).
    trust = ctx.trust.inForceFor(ctx.config.node);
  } catch (error) {
    if (!isFrxError(error)) throw error;
    ctx.logger.warn("outbox.not-sending", { peer, code: error.code, error: error.message });
    return { kind: "failed", error: `${error.code}: ${error.message}`, heard: false };
  }
  const member = trust.list.members.find((m) => m.node === peer);
  if (!member || member.status !== "active") {
    const detail = `${peer} is no longer an active member`;
    return {
      kind: "end",
      items,
      fate: () => ({ reason: "recipient_unknown", errorCode: "routing.recipient-unknown", detail }),
    };
  }
  // What no transaction may carry would fail every attempt and hold back the rest (FRX-FED-071).
  // Stored sealed (FRX-DP-001): what travels is the envelope as its sender signed it.
  const envelopes = new Map(items.map((i) => [i, envelopeOf(ctx, i)]));
  const oversized = items.filter((i) => envelopes.get(i)!.length > DEFAULT_MAX_ENVELOPE_BYTES);
  if (oversized.length > 0) {
    ctx.logger.warn("outbox.envelope-too-large", {
      peer,
      txnId: entry.flight.txnId,
      messageIds: oversized.map((i) => i.messageId),
    });
    return {
      kind: "end",
      items,
      fate: (i) =>
        oversized.includes(i)
          ? {
              reason: "refused_by_peer",
              errorCode: "envelope.too-large",
              detail: `${envelopes.get(i)!.length} bytes: a transaction carries envelopes of at most ${DEFAULT_MAX_ENVELOPE_BYTES} bytes`,
            }
          : null,
    };
  }
  // The files first, then the envelopes that name them (FRX-FED-073).
  const files = await pushFiles(ctx, peer, member, items);
  if (files.kind === "failed")
    return { kind: "failed", error: `files not transferred: ${files.error}`, heard: false };
  if (files.kind === "refused") {
    ctx.logger.warn("outbox.files-refused", { peer, files: files.files });
    const refused = files.files;
    return {
      kind: "end",
      items,
      fate: (i) => {
        const names = new Set(descriptorsOf(ctx, i).map((d) => d.sha256));
        const file = refused.find((r) => names.has(r.sha256));
        return file
          ? {
              reason: "refused_by_peer",
              errorCode: file.code,
              detail: `file ${file.sha256}: ${file.detail}`,
            }
          : null;
      },
    };
  }
  const now = ctx.clock.now();
  const { txnId } = entry.flight;
  const jwe = await sealTransaction(
    {
      frx: "1",
      txnId,
      origin: ctx.config.node,
      destination: peer,
      sentAt: now.toISOString(),
      envelopes: items.map((i) => envelopes.get(i)!),
    },
    ctx.signer,
    member.encryptionKey,
  );
  entry.flight = {
    ...entry.flight,
    attempts: entry.flight.attempts + 1,
    lastAttemptAt: now.toISOString(),
  };
  // The txnId and envelopes were made durable when the transaction was built (FRX-FED-047); the
  // count of sends is for operators and notices, so it rides on the next write.
  ctx.store.defer([{ type: "put", aggregate: "outbox", key: entry.key, value: entry.flight }]);
  let res: { status: number; text: string };
  try {
    res = await ctx.peerClient.call("PUT", `${member.endpoint}/transactions/${txnId}`, jwe);
  } catch (error) {
    ctx.logger.warn("outbox.peer-unreachable", { peer, txnId, error: String(error) });
    return { kind: "failed", error: `peer unreachable: ${String(error)}`, heard: false };
  }
  if (res.status !== 200) {
    ctx.logger.warn("outbox.peer-refused", {
      peer,
      txnId,
      status: res.status,
      body: res.text.slice(0, 300),
    });
    return {
      kind: "failed",
      error: `peer answered ${res.status}: ${res.text.slice(0, 200)}`,
      heard: true,
    };
  }
  try {
    const { reply, jws } = readReply(res.text, {
      peer,
      txnId,
      sent: items,
      trust: trust.list,
      now: ctx.clock.now(),
    });
    return {
      kind: "replied",
      items,
      verdicts: await judgeResults(reply, items, member),
      reply: jws,
    };
  } catch (error) {
    ctx.logger.error("outbox.reply-invalid", { peer, txnId, error: String(error) });
    return { kind: "failed", error: `reply invalid: ${String(error)}`, heard: true };
  }
}
