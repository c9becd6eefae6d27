import { isFrxError, sealRecords, signTransfer, TRANSFER_HEADER, type Types } from "@frx/spec";
import type { AppContext } from "../context.js";
import { openEnvelope } from "../privacy/envelopes.js";
import type { OutboxItem } from "./outbox-store.js";

/** One file an envelope lists (its descriptor, which the sender signed). */
export type Descriptor = Types.Attachment;

/** A file the peer refused for good (FRX-FED-083): the envelopes naming it cannot be delivered. */
export interface RefusedFile {
  sha256: string;
  code: "attachment.digest-mismatch" | "attachment.too-large" | "attachment.not-found";
  detail: string;
}

export type PushOutcome =
  { kind: "ready" } | { kind: "failed"; error: string } | { kind: "refused"; files: RefusedFile[] };

/** Marks that a peer reported a file complete (`deliveries`, `file!<peer>!<sha256>`). */
export const fileKey = (peer: string, sha256: string) => `file!${peer}!${sha256}`;

/**
 * The attachment descriptors a queued envelope lists, read from the JWS it stored (sealed at
 * rest, FRX-DP-001, so opened with the node's data key first).
 */
export function descriptorsOf(
  ctx: Pick<AppContext, "dataKeys">,
  item: Pick<OutboxItem, "jws" | "messageId">,
): Descriptor[] {
  try {
    const jws = openEnvelope(ctx.dataKeys, item.messageId, item.jws) ?? "";
    const payload = JSON.parse(
      Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as { attachments?: Descriptor[] };
    return Array.isArray(payload.attachments) ? payload.attachments : [];
  } catch {
    return [];
  }
}

/** The files of `item` the peer has not reported complete, for `delivery.failed` (FRX-FED-083). */
export async function undeliveredFiles(
  ctx: AppContext,
  peer: string,
  item: OutboxItem,
): Promise<string[]> {
  const out: string[] = [];
  for (const d of descriptorsOf(ctx, item))
    if (!out.includes(d.sha256) && !(await ctx.store.get("deliveries", fileKey(peer, d.sha256))))
      out.push(d.sha256);
  return out;
}

/**
 * Moves every file the transaction's envelopes list to the peer before the transaction goes
 * (FRX-FED-073): asks what the peer holds, then sends the rest from there in sealed records
 * streamed from disk (FRX-FED-074). A network failure or an incomplete answer is a failed
 * attempt, retried under the backoff; a refusal of the bytes themselves is final.
 */
export async function pushFiles(
  ctx: AppContext,
  peer: string,
  member: Types.TrustListMember,
  items: OutboxItem[],
): Promise<PushOutcome> {
  const seen = new Set<string>();
  const refused: RefusedFile[] = [];
  for (const item of items)
    for (const d of descriptorsOf(ctx, item)) {
      if (seen.has(d.sha256)) continue;
      seen.add(d.sha256);
      if (await ctx.store.get("deliveries", fileKey(peer, d.sha256))) continue;
      const outcome = await pushFile(ctx, peer, member, d);
      if (outcome === "complete") {
        await ctx.store.commit([
          {
            type: "put",
            aggregate: "deliveries",
            key: fileKey(peer, d.sha256),
            value: ctx.clock.now().toISOString(),
          },
        ]);
        ctx.metrics.inc("frx_federation_attachments_sent_total", { peer });
      } else if (typeof outcome === "string") return { kind: "failed", error: outcome };
      else refused.push(outcome);
    }
  return refused.length > 0 ? { kind: "refused", files: refused } : { kind: "ready" };
}

async function pushFile(
  ctx: AppContext,
  peer: string,
  member: Types.TrustListMember,
  d: Descriptor,
): Promise<"complete" | string | RefusedFile> {
  const blob = await ctx.attachments.get(d.sha256);
  if (!blob)
    return {
      sha256: d.sha256,
      code: "attachment.not-found",
      detail: "this node no longer holds the file",
    };
  const url = `${member.endpoint}/attachments/${d.sha256}`;
  const doc = (offset: number) => ({
    origin: ctx.config.node,
    destination: peer,
    sha256: d.sha256,
    size: d.size,
    mediaType: d.mediaType,
    offset,
    sentAt: ctx.clock.now().toISOString(),
  });
  const timeout = ctx.config.federation.requestTimeoutMs;
  try {
    const probe = await ctx.peerClient.send(
      "GET",
      url,
      { [TRANSFER_HEADER]: signTransfer(doc(0), ctx.signer).jws },
      undefined,
      timeout,
    );
    const state = answer(d, probe);
    if (typeof state !== "object" || "code" in state) return state;
    if (state.complete) return "complete";
    const { jws, key } = signTransfer(doc(state.held), ctx.signer, member.encryptionKey);
    const left = d.size - state.held;
    const put = await ctx.peerClient.send(
      "PUT",
      url,
      { [TRANSFER_HEADER]: jws, "content-type": "application/octet-stream" },
      sealRecords(key!, bytesOf(blob.stream(state.held))),
      timeout + (left / ctx.config.federation.transferMinBytesPerSecond) * 1000,
    );
    const after = answer(d, put);
    if (typeof after !== "object" || "code" in after) return after;
    return after.complete ? "complete" : `${peer} holds ${after.held} of ${d.size} bytes`;
  } catch (error) {
    if (!isFrxError(error)) throw error;
    ctx.logger.warn("outbox.file-transfer-failed", {
      peer,
      sha256: d.sha256,
      error: error.message,
    });
    return `${error.code}: ${error.message}`;
  }
}

/** The peer's answer: its state of the file, a final refusal, or a failure to retry (a string). */
function answer(
  d: Descriptor,
  res: { status: number; text: string },
): { held: number; complete: boolean } | RefusedFile | string {
  let body: { held?: unknown; complete?: unknown; code?: unknown } = {};
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    return `the peer answered ${res.status} without JSON`;
  }
  if (res.status === 200 && typeof body.held === "number" && typeof body.complete === "boolean")
    return { held: body.held, complete: body.complete };
  if (body.code === "attachment.digest-mismatch" || body.code === "attachment.too-large")
    return { sha256: d.sha256, code: body.code, detail: res.text.slice(0, 500) };
  return `the peer answered ${res.status}: ${res.text.slice(0, 200)}`;
}

/** A web stream's chunks as an async iterable. */
async function* bytesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
