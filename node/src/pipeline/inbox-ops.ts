import type { AppContext } from "../context.js";
import { pad } from "../store/db.js";
import type { InboxItem } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Inbox items for each recipient. Cursors come from one node-wide counter, persisted in the
 * same batch, so a cursor is never reused across restarts.
 */
export function inboxOps(
  ctx: AppContext,
  recipients: string[],
  messageId: string,
  at: string,
): Op[] {
  const ops: Op[] = [];
  for (const participant of recipients) {
    const cursor = ctx.cursor.next();
    const item: InboxItem = { cursor, participant, messageId, at };
    ops.push({ type: "put", aggregate: "inbox", key: inboxKey(participant, cursor), value: item });
  }
  if (recipients.length > 0)
    ops.push({ type: "put", aggregate: "meta", key: "inboxCursor", value: ctx.cursor.value });
  return ops;
}

export function inboxKey(participant: string, cursor: number): string {
  return `${participant}!${pad(cursor)}`;
}

/** The node-wide inbox cursor. */
export class Cursor {
  constructor(public value: number) {}
  next(): number {
    return ++this.value;
  }
}
