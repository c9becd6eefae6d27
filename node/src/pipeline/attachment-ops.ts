import { FrxError, type AnyMessage, type Violation } from "@frx/spec";
import type { AppContext } from "../context.js";
import { attachmentAclKey } from "../http/routes/attachments.js";
import type { Op } from "../store/store.js";
import { peerHolder } from "../federation/attachment-inbound.js";

/**
 * An envelope may only reference attachments its sender can read here (uploaded or
 * received), and only with the size and media type they were stored with; delivering it
 * lets each recipient read them.
 */
export async function attachmentOps(
  ctx: AppContext,
  message: AnyMessage,
  recipients: string[],
  at: string,
  origin: string | null = null,
): Promise<Op[]> {
  // A peer's envelope names files its node transferred here whole (FRX-ENV-017, FRX-FED-081).
  const holder = origin === null ? message.from : peerHolder(origin);
  const descriptors = message.attachments ?? [];
  const missing: Violation[] = [];
  for (const [i, d] of descriptors.entries()) {
    const meta = await ctx.store.get<{ size: number }>("attachments", `meta!${d.sha256}`);
    const readable = await ctx.store.get<string>("attachments", attachmentAclKey(d.sha256, holder));
    if (!meta || !readable)
      missing.push({
        pointer: `/attachments/${i}`,
        code: "attachment.not-found",
        message:
          origin === null
            ? "upload the attachment before sending the envelope that references it"
            : `node ${origin} has not transferred this file here`,
      });
    else if (meta.size !== d.size)
      missing.push({
        pointer: `/attachments/${i}/size`,
        // From a peer, a file of another size than the transfer's is one it did not transfer
        // (FRX-FED-081); from an agency, the bytes it uploaded do not match the descriptor.
        code: origin === null ? "attachment.digest-mismatch" : "attachment.not-found",
        message: `the stored attachment is ${meta.size} bytes`,
      });
  }
  if (missing.length > 0)
    throw new FrxError(
      missing[0]!.code,
      `attachments are not available: ${missing.map((m) => m.pointer).join(", ")}`,
      missing,
    );
  return descriptors.flatMap((d) =>
    recipients.map((p): Op => ({
      type: "put",
      aggregate: "attachments",
      key: attachmentAclKey(d.sha256, p),
      value: at,
    })),
  );
}

/** A custody chain as a destination node keeps it (`attachments`, `custody!<case>!<sha256>!<messageId>`). */
export interface CustodyRecord {
  case: string;
  sha256: string;
  evidenceId: string;
  messageId: string;
  from: string;
  to: string[];
  custody: Array<{ holder: string; action: string; at: string; node?: string }>;
}

export const custodyPrefix = (caseId: string) => `custody!${caseId}!`;

/**
 * For evidence a peer sent, with its files received here: each item's chain as the sender
 * signed it, then a `received` event per local recipient (FRX-FED-084).
 */
export function custodyOps(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
  recipients: string[],
  at: string,
): Op[] {
  if (origin === null || !message.case || message.type !== "evidence.provide") return [];
  const files = new Set((message.attachments ?? []).map((d) => d.sha256));
  const body = message.body as {
    items: Array<{ evidenceId: string; sha256?: string; custody: CustodyRecord["custody"] }>;
  };
  return body.items
    .filter((item) => item.sha256 !== undefined && files.has(item.sha256))
    .map((item): Op => {
      const value: CustodyRecord = {
        case: message.case!,
        sha256: item.sha256!,
        evidenceId: item.evidenceId,
        messageId: message.id,
        from: message.from,
        to: recipients,
        custody: [
          ...item.custody,
          ...recipients.map((holder) => ({
            holder,
            action: "received",
            at,
            node: ctx.config.node,
          })),
        ],
      };
      return {
        type: "put",
        aggregate: "attachments",
        key: `${custodyPrefix(message.case!)}${item.sha256}!${message.id}`,
        value,
      };
    });
}
