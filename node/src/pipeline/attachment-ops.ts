import { FrxError, type AnyMessage, type Violation } from "@frx/spec";
import type { AppContext } from "../context.js";
import { attachmentAclKey } from "../http/routes/attachments.js";
import type { Op } from "../store/store.js";

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
): Promise<Op[]> {
  const descriptors = message.attachments ?? [];
  const missing: Violation[] = [];
  for (const [i, d] of descriptors.entries()) {
    const meta = await ctx.store.get<{ size: number }>("attachments", `meta!${d.sha256}`);
    const readable = await ctx.store.get<string>(
      "attachments",
      attachmentAclKey(d.sha256, message.from),
    );
    if (!meta || !readable)
      missing.push({
        pointer: `/attachments/${i}`,
        code: "attachment.not-found",
        message: "upload the attachment before sending the envelope that references it",
      });
    else if (meta.size !== d.size)
      missing.push({
        pointer: `/attachments/${i}/size`,
        code: "attachment.digest-mismatch",
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
