import { FrxError } from "@frx/spec";
import { Hono } from "hono";
import type { AppContext } from "../../context.js";
import { agencyAuth, type Env } from "../app.js";

const SHA256 = /^[0-9a-f]{64}$/;

/** What the first upload of some bytes fixed (FRX-ENV-033). */
interface AttachmentMeta {
  sha256: string;
  size: number;
  mediaType: string;
  uploadedBy: string;
  at: string;
}

/** Who may read an attachment: its uploader and every party a message carrying it reached. */
export function attachmentAclKey(sha256: string, participant: string): string {
  return `acl!${sha256}!${participant}`;
}

/**
 * PUT /v1/attachments/:sha256 — streams bytes in, hashing on the way; stored only when they
 * hash to the path's digest and fit the size limit. GET returns them to permitted callers.
 */
export function attachmentRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use("/v1/attachments/*", agencyAuth(ctx));

  app.put("/v1/attachments/:sha256", async (c) => {
    const participant = c.get("participant");
    const sha256 = digestParam(c.req.param("sha256"));
    const max = ctx.config.limits.attachmentBytes;
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > max)
      throw new FrxError("attachment.too-large", `attachments are limited to ${max} bytes`);
    const mediaType = (c.req.header("content-type") ?? "application/octet-stream")
      .split(";")[0]!
      .trim();
    if (!c.req.raw.body) throw new FrxError("request.malformed", "the attachment body is empty");
    const { size } = await ctx.attachments.put(sha256, c.req.raw.body, max);
    const at = ctx.clock.now().toISOString();
    // Checked and written in the serial section, so that of two concurrent first uploads only
    // one fixes the metadata; a later uploader of the same bytes gains read access, nothing else.
    const stored = await ctx.serial.run(async () => {
      const first = await ctx.store.get<AttachmentMeta>("attachments", `meta!${sha256}`);
      await ctx.store.commit([
        ...(first
          ? []
          : [
              {
                type: "put" as const,
                aggregate: "attachments" as const,
                key: `meta!${sha256}`,
                value: { sha256, size, mediaType, uploadedBy: participant, at },
              },
            ]),
        {
          type: "put",
          aggregate: "attachments",
          key: attachmentAclKey(sha256, participant),
          value: at,
        },
        ...ctx.audit.append(at, {
          kind: "admin",
          actor: participant,
          digest: sha256,
          detail: first
            ? `attachment uploaded again (${size} bytes; media type stays ${first.mediaType})`
            : `attachment stored (${size} bytes)`,
        }),
      ]);
      return first;
    });
    return c.json({ sha256, size, mediaType: stored?.mediaType ?? mediaType }, stored ? 200 : 201);
  });

  app.get("/v1/attachments/:sha256", async (c) => {
    const participant = c.get("participant");
    const sha256 = digestParam(c.req.param("sha256"));
    const allowed = await ctx.store.get<string>(
      "attachments",
      attachmentAclKey(sha256, participant),
    );
    const meta = await ctx.store.get<AttachmentMeta>("attachments", `meta!${sha256}`);
    const blob = allowed && meta ? await ctx.attachments.get(sha256) : undefined;
    if (!blob || !meta)
      throw new FrxError(
        "attachment.not-found",
        `no attachment ${sha256} is available to ${participant}`,
      );
    // Never rendered in place, never sniffed as something else (FRX-ENV-034).
    return c.body(blob.stream(), 200, {
      "content-type": meta.mediaType,
      "content-length": String(blob.size),
      "content-disposition": `attachment; filename="${sha256}"`,
      "x-content-type-options": "nosniff",
      "x-frx-sha256": sha256,
    });
  });
  return app;
}

function digestParam(value: string): string {
  if (!SHA256.test(value))
    throw new FrxError("request.malformed", "an attachment is named by its lower-case hex SHA-256");
  return value;
}
