import type { FrxClient, InboxMessage } from "@frx/sdk";

/** Per participant: the inbox cursor read up to, and every verified message read so far. */
const inboxes = new Map<string, { cursor: number; seen: InboxMessage[] }>();

/**
 * Waits until `messageId` is in the inbox of `client`'s agency with its signature verified,
 * acknowledges it, and returns it. Cross-border messages arrive once the sending node's outbox
 * has delivered them; the wait is bounded.
 */
export async function receive(
  participant: string,
  client: FrxClient,
  messageId: string,
  timeoutMs = 20_000,
): Promise<InboxMessage> {
  const found = await receiveWhere(
    participant,
    client,
    (m) => m.messageId === messageId,
    timeoutMs,
  );
  if (!found) throw new Error(`${participant} did not receive ${messageId} within ${timeoutMs} ms`);
  return found;
}

/**
 * The first message in `participant`'s inbox that `match` accepts — one read earlier (the
 * demo keeps what it read, so a notice that came while it waited for something else is not
 * lost) or one that arrives within `timeoutMs` — or null if none came in time. Every item read
 * is verified and acknowledged.
 */
export async function receiveWhere(
  participant: string,
  client: FrxClient,
  match: (m: InboxMessage) => boolean,
  timeoutMs = 20_000,
): Promise<InboxMessage | null> {
  let state = inboxes.get(participant);
  if (!state) inboxes.set(participant, (state = { cursor: 0, seen: [] }));
  const earlier = state.seen.find(match);
  if (earlier) return earlier;
  const signal = AbortSignal.timeout(timeoutMs);
  const inbox = client.inbox({ after: state.cursor, waitMs: 1000, follow: true, signal });
  try {
    for await (const item of inbox) {
      state.cursor = item.cursor;
      if (!item.ok)
        throw new Error(
          `${participant} got a message that failed verification: ${item.error.code} ${item.error.message}`,
        );
      await inbox.ack(item.cursor);
      state.seen.push(item);
      if (match(item)) return item;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return null;
}

/** Forgets what the demo read (a new run starts from empty inboxes on new nodes). */
export function resetInboxes(): void {
  inboxes.clear();
}
