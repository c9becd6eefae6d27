import { FrxError, isFrxError, validateDocument, type Types } from "@frx/spec";
import { Hono } from "hono";
import type { AppContext } from "../../context.js";
import { agencyAuth, jsonObject, limit, type Env } from "../app.js";
import { inboxKey } from "../../pipeline/inbox-ops.js";
import type { InboxItem, MessageRecord } from "../../store/records.js";
import { openEnvelope } from "../../privacy/envelopes.js";

const MAX_WAIT_MS = 30_000;
const MAX_LIMIT = 500;

/**
 * GET /v1/inbox?after=<cursor>&limit=<1..500>&wait=<ms, up to 30,000> — the caller's messages after a cursor,
 * oldest first; with `wait`, holds the request until something arrives (long-poll).
 * POST /v1/inbox/ack {"upTo": <cursor>} or {"cursors": [...]} — acknowledges items; they leave the inbox.
 */
export function inboxRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  // Matches /v1/inbox itself too: authenticate once per request.
  app.use("/v1/inbox/*", agencyAuth(ctx));

  app.get("/v1/inbox", async (c) => {
    const participant = c.get("participant");
    // Units and ranges of agency-api.md (FRX-API-012, FRX-API-013): wait is in milliseconds.
    const after = intParam(c.req.query("after"), 0, "after");
    const max = Math.min(intParam(c.req.query("limit"), 100, "limit"), MAX_LIMIT);
    if (max < 1) throw new FrxError("request.malformed", "limit must be at least 1");
    const wait = Math.min(intParam(c.req.query("wait"), 0, "wait"), MAX_WAIT_MS);
    let items = await read(ctx, participant, after, max);
    if (items.length === 0 && wait > 0) {
      await ctx.inboxSignal.wait(participant, wait, c.req.raw.signal);
      items = await read(ctx, participant, after, max);
    }
    const messages = await Promise.all(
      items.map((i) => ctx.store.get<MessageRecord>("messages", i.messageId)),
    );
    return c.json({
      items: items.map((item, i) => ({
        cursor: item.cursor,
        messageId: item.messageId,
        receivedAt: item.at,
        ...inboxContent(ctx, messages[i]),
      })),
      next: items.length > 0 ? items[items.length - 1]!.cursor : after,
    });
  });

  app.post("/v1/inbox/ack", limit(ctx.config.limits.jsonBytes), async (c) => {
    const participant = c.get("participant");
    const body = ackRequest(await jsonObject(c));
    const cursors = new Set<number>(body.cursors ?? []);
    const upTo = body.upTo;
    const acked = await ctx.serial.run(async () => {
      // upTo covers every pending item up to that cursor, however many; cursors adds single ones.
      const upToItems =
        upTo === undefined
          ? []
          : (
              await ctx.store.range<InboxItem>("inbox", {
                gte: inboxKey(participant, 0),
                lte: inboxKey(participant, upTo),
              })
            ).map(([, v]) => v);
      const singles = (
        await Promise.all(
          [...cursors].map((n) => ctx.store.get<InboxItem>("inbox", inboxKey(participant, n))),
        )
      ).filter((i): i is InboxItem => !!i);
      const chosen = [...new Map([...upToItems, ...singles].map((i) => [i.cursor, i])).values()];
      const at = ctx.clock.now().toISOString();
      // An acknowledged item leaves the inbox; the message stays in the store and the case timeline.
      const ops = chosen.map((i) => ({
        type: "del" as const,
        aggregate: "inbox" as const,
        key: inboxKey(participant, i.cursor),
      }));
      ops.push(
        ...(ctx.audit.append(at, {
          kind: "admin",
          actor: participant,
          detail: `acknowledged ${chosen.length} inbox item(s)`,
        }) as typeof ops),
      );
      return { commit: ctx.store.commit(ops), count: chosen.length };
    });
    await acked.commit;
    return c.json({ acknowledged: acked.count });
  });
  return app;
}

/** Unacknowledged items after a cursor. */
async function read(
  ctx: AppContext,
  participant: string,
  after: number,
  max: number,
): Promise<InboxItem[]> {
  const rows = await ctx.store.range<InboxItem>("inbox", {
    gte: inboxKey(participant, after + 1),
    lt: `${participant}!~`,
    limit: max,
  });
  return rows.map(([, v]) => v);
}

function intParam(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  // Cursors run up to 2^53 - 1 (api/common.json#/$defs/cursor): 16 digits, and a safe integer.
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new FrxError("request.malformed", `${name} must be a non-negative integer`);
  return Number(value);
}

/** The body of an acknowledgement, as api/inbox-ack-request.json has it (FRX-API-016). */
function ackRequest(body: Record<string, unknown>): Types.InboxAckRequest {
  try {
    return validateDocument<Types.InboxAckRequest>("api/inbox-ack-request.json", body);
  } catch (error) {
    throw new FrxError(
      "request.malformed",
      `send {"upTo": cursor} and/or {"cursors": [cursor, ...]}: ${isFrxError(error) ? error.message : String(error)}`,
    );
  }
}

/** The envelope as its sender signed it, or, once its content is erased, when and why (FRX-DP-006). */
function inboxContent(
  ctx: AppContext,
  record: MessageRecord | undefined,
): { jws?: string; erased?: MessageRecord["erased"] } {
  if (!record) return {};
  if (record.erased) return { erased: record.erased };
  return { jws: openEnvelope(ctx.dataKeys, record.id, record.jws) };
}
