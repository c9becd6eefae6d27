import { createHash, type Hash } from "node:crypto";
import {
  FrxError,
  isFrxError,
  openRecordParts,
  openTransferKey,
  verifyTransfer,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { RateLimitedError } from "../http/rate-limit.js";
import { attachmentAclKey } from "../http/routes/attachments.js";

/** What the attachment route answers: how much of the file this origin has transferred here. */
export interface TransferState {
  sha256: string;
  size: number;
  held: number;
  complete: boolean;
}

/** The participant id under which a peer node holds the files it transferred here. */
export const peerHolder = (origin: string) => `${origin}:NODE`;

const busy = new WeakMap<AppContext, Set<string>>();

/** GET: what this origin has transferred of the file (FRX-FED-077), never what others did. */
export async function probeTransfer(
  ctx: AppContext,
  sha256: string,
  header: string | undefined,
): Promise<TransferState> {
  const doc = verified(ctx, sha256, header);
  return stateOf(ctx, doc);
}

/**
 * PUT: appends the body's sealed records, each only once it authenticates (FRX-FED-078), to
 * the partial file this origin holds of the digest, which must hold exactly `offset` bytes
 * (FRX-FED-076); a cut keeps what was written (FRX-FED-077). Once `size` bytes are held they
 * must hash to the digest (FRX-FED-080); then the file is stored and the origin may name it
 * in envelopes (FRX-FED-081).
 */
export async function receiveTransfer(
  ctx: AppContext,
  sha256: string,
  header: string | undefined,
  body: AsyncIterable<Uint8Array> | null,
): Promise<TransferState> {
  const doc = verified(ctx, sha256, header);
  if (!doc.epk) throw new FrxError("request.malformed", "a PUT transfer must carry its epk");
  const key = `${doc.origin}-${sha256}`;
  const running = busy.get(ctx) ?? new Set<string>();
  busy.set(ctx, running);
  if (running.has(key))
    throw new RateLimitedError(`${doc.origin} is already transferring ${sha256} here`, 1);
  running.add(key);
  try {
    const before = await stateOf(ctx, doc);
    if (before.complete) return before;
    if (before.held !== doc.offset)
      throw new FrxError(
        "attachment.offset-mismatch",
        `this node holds ${before.held} bytes of ${sha256} from ${doc.origin}, not ${doc.offset}`,
      );
    const { held, digest } = await append(ctx, doc, key, header!, body);
    if (held < doc.size) return { ...before, held };
    return await store(ctx, doc, key, digest);
  } finally {
    running.delete(key);
  }
}

function verified(ctx: AppContext, sha256: string, header: string | undefined) {
  const trust = ctx.trust.inForceFor(ctx.config.node);
  const doc = verifyTransfer(header, {
    trust: trust.list,
    self: ctx.config.node,
    sha256,
    now: ctx.clock.now(),
    skewSeconds: ctx.config.skewSeconds,
  });
  const max = ctx.config.federation.attachmentBytes;
  if (doc.size > max)
    throw new FrxError("attachment.too-large", `files from peers are limited to ${max} bytes`);
  return doc;
}

async function stateOf(ctx: AppContext, doc: Types.AttachmentTransfer): Promise<TransferState> {
  const done = await ctx.store.get<string>(
    "attachments",
    attachmentAclKey(doc.sha256, peerHolder(doc.origin)),
  );
  if (done) return { sha256: doc.sha256, size: doc.size, held: doc.size, complete: true };
  const held = await ctx.attachments.partials.held(`${doc.origin}-${doc.sha256}`);
  return { sha256: doc.sha256, size: doc.size, held, complete: false };
}

async function append(
  ctx: AppContext,
  doc: Types.AttachmentTransfer,
  key: string,
  header: string,
  body: AsyncIterable<Uint8Array> | null,
): Promise<{ held: number; digest?: string }> {
  const records = openTransferKey(doc, header, ctx.keys.encryption);
  const writer = await ctx.attachments.partials.open(key, doc.offset);
  // A transfer that starts at 0 is hashed on the way; a resumed one is hashed from disk at the end.
  const hash: Hash | null = doc.offset === 0 ? createHash("sha256") : null;
  let at = doc.offset;
  try {
    if (body)
      await openRecordParts(records, body, async (plain, bytes) => {
        if (at + bytes > doc.size)
          throw new FrxError(
            "attachment.too-large",
            `the body carries more than the ${doc.size} bytes the transfer names`,
          );
        await writer.write(...plain);
        if (hash) for (const part of plain) hash.update(part);
        at += bytes;
      });
  } catch (error) {
    await writer.close();
    // A body that says more than the file has is no part of it; a cut or a bad record keeps
    // the records that authenticated before it.
    if (isFrxError(error, "attachment.too-large")) await ctx.attachments.partials.discard(key);
    if (isFrxError(error)) throw error;
    // A cut connection is no fault of the node: a coded answer (nobody may be left to read
    // it), the authenticated bytes kept for the resumed transfer.
    ctx.logger.info("attachment.transfer-cut", {
      origin: doc.origin,
      sha256: doc.sha256,
      held: at,
    });
    throw new FrxError(
      "request.malformed",
      `the body broke off after ${at} bytes of ${doc.size}: ${String(error)}; resume from held`,
    );
  }
  await writer.close();
  return at === doc.size && hash ? { held: at, digest: hash.digest("hex") } : { held: at };
}

async function store(
  ctx: AppContext,
  doc: Types.AttachmentTransfer,
  key: string,
  digest: string | undefined,
): Promise<TransferState> {
  const ok = await ctx.attachments.partials.promote(key, doc.sha256, digest);
  if (!ok)
    throw new FrxError(
      "attachment.digest-mismatch",
      `the ${doc.size} bytes from ${doc.origin} do not hash to ${doc.sha256}; discarded`,
    );
  const at = ctx.clock.now().toISOString();
  const holder = peerHolder(doc.origin);
  await ctx.serial.run(async () => {
    const first = await ctx.store.get("attachments", `meta!${doc.sha256}`);
    await ctx.store.commit([
      ...(first
        ? []
        : [
            {
              type: "put" as const,
              aggregate: "attachments" as const,
              key: `meta!${doc.sha256}`,
              value: {
                sha256: doc.sha256,
                size: doc.size,
                mediaType: doc.mediaType,
                uploadedBy: holder,
                at,
              },
            },
          ]),
      {
        type: "put",
        aggregate: "attachments",
        key: attachmentAclKey(doc.sha256, holder),
        value: at,
      },
      ...ctx.audit.append(at, {
        kind: "admin",
        actor: holder,
        digest: doc.sha256,
        detail: `attachment received from node ${doc.origin} (${doc.size} bytes)`,
      }),
    ]);
  });
  ctx.metrics.inc("frx_federation_attachments_received_total", { peer: doc.origin });
  return { sha256: doc.sha256, size: doc.size, held: doc.size, complete: true };
}
