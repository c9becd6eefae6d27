import { isFrxError, isInstant, parseInstant, verifyEnvelope, type AnyMessage } from "@frx/spec";
import type { NodeDocuments } from "./documents.js";
import { FrxClientError, fromSpecError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions } from "./options.js";

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
  items: Array<{ cursor: number; messageId: string; receivedAt: string; jws?: string }>;
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
        for (const raw of page.items) {
          const item = await verifyItem(docs, raw);
          if (item.ok) observe(item.message);
          cursor = item.cursor;
          yield item;
          if (autoAck) handled = item.cursor;
        }
        if (page.items.length === 0 && !follow) return;
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
      extraTimeoutMs: waitMs,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) return undefined;
    throw error;
  }
  if (!Array.isArray(page.items))
    throw new FrxClientError("client.response-invalid", "the inbox page has no items");
  return page;
}

async function verifyItem(docs: NodeDocuments, raw: Page["items"][number]): Promise<InboxItem> {
  const base = { cursor: raw.cursor, messageId: raw.messageId, receivedAt: raw.receivedAt };
  if (typeof raw.cursor !== "number" || typeof raw.jws !== "string" || !isInstant(raw.receivedAt))
    return {
      ...base,
      ok: false,
      jws: undefined,
      error: new FrxClientError(
        "client.response-invalid",
        `inbox item ${raw.messageId} has no JWS`,
      ),
    };
  try {
    const verified = await verifyEnvelope(raw.jws, {
      // A message from another country's agency verifies against that node's directory.
      resolveKey: (kid) => docs.keyFor(senderNode(raw.jws as string), kid),
      // Judged when the node stored it, not when we read it: a message read late is no less valid.
      now: new Date(parseInstant(raw.receivedAt, "/receivedAt")),
    });
    if (verified.message.id !== raw.messageId) {
      const error = new FrxClientError("client.response-invalid", "the item names another id");
      return { ...base, ok: false, jws: raw.jws, error };
    }
    return { ...base, ok: true, message: verified.message, jws: raw.jws, digest: verified.digest };
  } catch (error) {
    if (!isFrxError(error)) throw error;
    return { ...base, ok: false, jws: raw.jws, error: fromSpecError(error) };
  }
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
