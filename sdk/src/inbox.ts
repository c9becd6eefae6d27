import { isFrxError, isInstant, parseInstant, verifyEnvelope, type AnyMessage } from "@frx/spec";
import { inboxPageBytes } from "./bounds.js";
import type { NodeDocuments } from "./documents.js";
import { FrxClientError, fromSpecError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions, Clock } from "./options.js";

/**
 * The pause before polling again after a poll that brought nothing new (an empty page, or
 * only items at or below the cursor): an honest node holds an empty poll open for `waitMs`,
 * so only a node that answers at once ever sees this.
 */
export const EMPTY_POLL_PAUSE_MS = 1000;

export interface InboxOptions {
  /** Start after this cursor (resume where a previous reader stopped); default 0. */
  after?: number;
  /** How long the node may hold an empty poll open, in ms (default 25 000; the node caps it at 30 000). */
  waitMs?: number;
  /** Items per page (default 100; the node caps it at 500). */
  limit?: number;
  /** Keep polling when the inbox is empty (default true); false ends at the first empty page. */
  follow?: boolean;
  /**
   * Acknowledge each item once the loop asks for the next one, i.e. after its body ran (default
   * false). An item the loop breaks or throws on is not acknowledged: delivery is at least once.
   * Error items are acknowledged too, having been surfaced.
   */
  autoAck?: boolean;
  /** Ends the iteration (quietly, with no error) when aborted. */
  signal?: AbortSignal;
}

interface ItemBase {
  cursor: number;
  messageId: string;
  receivedAt: string;
}

/** A message whose signature verified against the directory (or the node's key, for notices). */
export interface InboxMessage extends ItemBase {
  ok: true;
  message: AnyMessage;
  jws: string;
  /** SHA-256 (hex) of `jws`. */
  digest: string;
}

/** A message that failed verification, surfaced with the verifier's code rather than dropped. */
export interface InboxError extends ItemBase {
  ok: false;
  error: FrxClientError;
  jws: string | undefined;
}

export type InboxItem = InboxMessage | InboxError;

/** An inbox reader: iterate it; `cursor` is where to resume. */
export interface Inbox extends AsyncIterable<InboxItem> {
  /** The cursor of the last item yielded (or `after`). */
  readonly cursor: number;
  /** Acknowledges every item up to and including `cursor`; resolves to how many left the inbox. */
  ack(cursor: number): Promise<number>;
}

interface Page {
  items: unknown[];
}

interface RawItem {
  cursor: number;
  messageId: string;
  receivedAt: string;
  jws?: string;
}

/** POST /v1/inbox/ack {"upTo"}. @example await ackInbox(http, 42) */
export async function ackInbox(http: Http, upTo: number, call: CallOptions = {}): Promise<number> {
  if (!Number.isSafeInteger(upTo) || upTo < 0)
    throw new TypeError("a cursor is a non-negative integer");
  const reply = await http.json<{ acknowledged?: unknown }>({
    method: "POST",
    path: "/v1/inbox/ack",
    auth: true,
    headers: { "content-type": "application/json" },
    body: () => JSON.stringify({ upTo }),
    ...call,
  });
  if (typeof reply.acknowledged !== "number")
    throw new FrxClientError("client.response-invalid", "the ack reply has no count");
  return reply.acknowledged;
}

/**
 * Reads the inbox as an async iterator over long-polls (GET /v1/inbox?after=&wait=), verifying
 * each envelope: agency keys from the directory, `<node>:NODE` notices with the node's key,
 * time checked at the instant the node received it.
 *
 * @example for await (const item of openInbox(http, docs, { after: saved }, observe)) if (item.ok) handle(item.message)
 */
export function openInbox(
  http: Http,
  docs: NodeDocuments,
  options: InboxOptions,
  observe: (message: AnyMessage) => void,
  clock: Pick<Clock, "sleep">,
): Inbox {
  let cursor = options.after ?? 0;
  const { signal, follow = true, autoAck = false } = options;
  const waitMs = follow ? (options.waitMs ?? 25_000) : 0;
  async function* iterate(): AsyncGenerator<InboxItem> {
    // The cursor of the last item the loop went past (asked for the next one after it).
    let handled: number | undefined;
    const flush = async (): Promise<void> => {
      if (handled === undefined) return;
      const upTo = handled;
      handled = undefined;
      await ackInbox(http, upTo);
    };
    try {
      while (!signal?.aborted) {
        if (autoAck) await flush();
        const page = await fetchPage(http, cursor, waitMs, options);
        if (!page) return;
        const before = cursor;
        for (const raw of page.items) {
          // Cursors only move forward: an item at or below the cursor was seen already.
          if (isObject(raw) && typeof raw.cursor === "number" && raw.cursor <= cursor) continue;
          const item = await verifyItem(docs, raw, cursor);
          if (item.ok) observe(item.message);
          cursor = item.cursor;
          yield item;
          if (autoAck && item.cursor > before) handled = item.cursor;
        }
        if (cursor > before) continue;
        if (!follow) return;
        // Nothing new: a node that answers at once is not polled in a tight loop.
        try {
          await clock.sleep(EMPTY_POLL_PAUSE_MS, signal);
        } catch {
          return;
        }
      }
    } finally {
      // Runs on break and on a throw in the loop body too: what the loop went past is handled.
      if (autoAck) await flush();
    }
  }
  return {
    get cursor() {
      return cursor;
    },
    ack: (upTo) => ackInbox(http, upTo),
    [Symbol.asyncIterator]: iterate,
  };
}

/** One long-poll; undefined when the reader's signal aborted it. */
async function fetchPage(
  http: Http,
  after: number,
  waitMs: number,
  options: InboxOptions,
): Promise<Page | undefined> {
  const { signal } = options;
  let page: Page;
  try {
    page = await http.json<Page>({
      method: "GET",
      path: `/v1/inbox?after=${after}&limit=${options.limit ?? 100}&wait=${waitMs}`,
      auth: true,
      maxBytes: inboxPageBytes(options.limit ?? 100),
      extraTimeoutMs: waitMs,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) return undefined;
    throw error;
  }
  if (!isObject(page) || !Array.isArray(page.items))
    throw new FrxClientError("client.response-invalid", "the inbox page has no items");
  return page;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Verifies one item of a page. Whatever is wrong with it, the node's item or the keys to
 * judge it, is an `ok: false` item, never a throw: one bad item must not stop an agency's
 * reader, nor every restart of it from the saved cursor. `cursor` is the reader's, for an
 * item that has no cursor of its own.
 */
async function verifyItem(docs: NodeDocuments, raw: unknown, cursor: number): Promise<InboxItem> {
  const item = (isObject(raw) ? raw : {}) as Partial<RawItem>;
  const base = {
    cursor: Number.isSafeInteger(item.cursor) && item.cursor! > cursor ? item.cursor! : cursor,
    messageId: typeof item.messageId === "string" ? item.messageId : "",
    receivedAt: typeof item.receivedAt === "string" ? item.receivedAt : "",
  };
  if (base.cursor === cursor || typeof item.jws !== "string" || !isInstant(base.receivedAt))
    return {
      ...base,
      ok: false,
      jws: typeof item.jws === "string" ? item.jws : undefined,
      error: new FrxClientError(
        "client.response-invalid",
        `inbox item ${base.messageId || "(no id)"} lacks a cursor after ${cursor}, a receivedAt or a JWS`,
      ),
    };
  const jws = item.jws;
  try {
    const verified = await verifyEnvelope(jws, {
      // A message from another country's agency verifies against that node's directory.
      resolveKey: (kid) => docs.keyFor(senderNode(jws), kid),
      // Judged when the node stored it, not when we read it: a message read late is no less valid.
      now: new Date(parseInstant(base.receivedAt, "/receivedAt")),
    });
    if (verified.message.id !== base.messageId) {
      const error = new FrxClientError("client.response-invalid", "the item names another id");
      return { ...base, ok: false, jws, error };
    }
    return { ...base, ok: true, message: verified.message, jws, digest: verified.digest };
  } catch (error) {
    return { ...base, ok: false, jws, error: asClientError(error) };
  }
}

function asClientError(error: unknown): FrxClientError {
  if (error instanceof FrxClientError) return error;
  if (isFrxError(error)) return fromSpecError(error);
  return new FrxClientError("client.response-invalid", String(error), { cause: error });
}

/** The country of the envelope's claimed sender (a hint for key lookup; the signature check decides). */
function senderNode(jws: string): string | undefined {
  try {
    const from = (
      JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as {
        from?: unknown;
      }
    ).from;
    return typeof from === "string" ? from.slice(0, 2) : undefined;
  } catch {
    return undefined;
  }
}
