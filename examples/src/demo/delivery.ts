import type { FrxClient, InboxMessage } from "@frx/sdk";

const cursors = new Map<string, number>();

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
  const signal = AbortSignal.timeout(timeoutMs);
  const inbox = client.inbox({
    after: cursors.get(participant) ?? 0,
    waitMs: 1000,
    follow: true,
    signal,
  });
  for await (const item of inbox) {
    cursors.set(participant, item.cursor);
    if (!item.ok)
      throw new Error(
        `${participant} got a message that failed verification: ${item.error.code} ${item.error.message}`,
      );
    await inbox.ack(item.cursor);
    if (item.messageId === messageId) return item;
  }
  throw new Error(`${participant} did not receive ${messageId} within ${timeoutMs} ms`);
}
