import type { AppContext } from "../context.js";
import type { MessageRecord } from "../store/records.js";
import { openMessage } from "./envelopes.js";

/** A stored message with its content opened (undefined once erased). */
export interface OpenedMessage {
  record: MessageRecord;
  message?: Record<string, unknown> & {
    type: string;
    tier?: string;
    body?: unknown;
    attachments?: Array<{ sha256: string }>;
  };
}

/** Every stored message, opened with the data keys; streamed, one at a time. */
export async function* openedMessages(ctx: AppContext): AsyncGenerator<OpenedMessage> {
  for await (const [, value] of ctx.store.iterate("messages")) {
    const record = value as MessageRecord;
    const message = record.erased
      ? undefined
      : (openMessage(ctx.dataKeys, record.id, record.jws) as OpenedMessage["message"]);
    yield { record, ...(message ? { message } : {}) };
  }
}

/** The attachment digests a message references. */
export function attachmentsOf(m: OpenedMessage): string[] {
  return (m.message?.attachments ?? []).map((a) => a.sha256);
}
