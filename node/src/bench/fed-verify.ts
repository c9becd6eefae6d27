import { join } from "node:path";
import { flightRange, type OutboxItem } from "../federation/outbox-store.js";
import { openLevel } from "../store/db.js";
import type { AuditEntry, InboxItem } from "../store/records.js";
import { LevelStore } from "../store/store.js";

/** What the destination's store holds of the envelopes the origin accepted, read after it closed. */
export interface DestinationCheck {
  /** Envelopes the origin answered 201 for. */
  expected: number;
  /** Of those, with a message record and exactly one inbox item for the recipient. */
  once: number;
  /** Expected envelopes neither at the destination (message record and inbox item) nor still
   * queued at the origin. */
  lost: number;
  /** Expected envelopes not at the destination yet but still queued at the origin (a drain cut
   * short by its time limit). */
  pending: number;
  /** Expected envelopes with more than one inbox item, or accepted more than once by the audit log. */
  duplicates: number;
  /** Inbox items of the recipient in the store, all runs and phases together. */
  inboxItems: number;
  /** Audit entries `accepted` for an expected id, counted (one per envelope when all is well). */
  acceptedEntries: number;
}

/**
 * Reopens the destination node's closed store and checks every expected message id: stored,
 * in the recipient's inbox exactly once, accepted exactly once by the audit log.
 *
 * @example const { lost, duplicates } = await checkDestination(dirB, "LA:MOLSW", ids)
 */
export async function checkDestination(
  dir: string,
  recipient: string,
  expected: string[],
  queuedAtOrigin: ReadonlySet<string>,
): Promise<DestinationCheck> {
  const store = new LevelStore(openLevel(join(dir, "store")));
  await store.open();
  try {
    const wanted = new Set(expected);
    const inInbox = new Map<string, number>();
    let inboxItems = 0;
    for await (const item of store
      .sub("inbox")
      .values({ gte: `${recipient}!`, lt: `${recipient}!~` })) {
      inboxItems++;
      const id = (item as InboxItem).messageId;
      if (wanted.has(id)) inInbox.set(id, (inInbox.get(id) ?? 0) + 1);
    }
    const accepted = new Map<string, number>();
    let acceptedEntries = 0;
    for await (const value of store.sub("audit").values()) {
      const entry = value as AuditEntry;
      if (entry.kind !== "accepted" || !entry.messageId || !wanted.has(entry.messageId)) continue;
      acceptedEntries++;
      accepted.set(entry.messageId, (accepted.get(entry.messageId) ?? 0) + 1);
    }
    const stored = await store.sub("messages").getMany(expected);
    let once = 0;
    let lost = 0;
    let pending = 0;
    let duplicates = 0;
    for (const [i, id] of expected.entries()) {
      const n = inInbox.get(id) ?? 0;
      if (!stored[i] || n === 0) {
        if (queuedAtOrigin.has(id)) pending++;
        else lost++;
      } else if (n > 1 || (accepted.get(id) ?? 0) > 1) duplicates++;
      else once++;
    }
    return {
      expected: expected.length,
      once,
      lost,
      pending,
      duplicates,
      inboxItems,
      acceptedEntries,
    };
  } finally {
    await store.close();
  }
}

/** What is left in the origin's outbox for a peer after the drain, read after it closed. */
export interface OriginCheck {
  /** Envelopes still queued for the peer (in flight or not). */
  queued: number;
  inFlight: boolean;
  deadLetters: number;
  /** Replies kept as evidence: one per settled transaction. */
  replies: number;
}

/**
 * Reopens the origin's closed store: what is still queued for the peer (with the message ids,
 * for telling "not delivered yet" from "lost"), dead letters and kept replies.
 *
 * @example const { check, queuedIds } = await checkOrigin(dirA, "LA")
 */
export async function checkOrigin(
  dir: string,
  peer: string,
): Promise<{ check: OriginCheck; queuedIds: Set<string> }> {
  const store = new LevelStore(openLevel(join(dir, "store")));
  await store.open();
  try {
    const count = async (aggregate: "deadLetters" | "deliveries", gte: string) => {
      let n = 0;
      for await (const _ of store.sub(aggregate).keys({ gte, lt: `${gte}~` })) n++;
      return n;
    };
    const queuedIds = new Set<string>();
    for await (const item of store.sub("outbox").values({ gte: `q!${peer}!`, lt: `q!${peer}!~` }))
      queuedIds.add((item as OutboxItem).messageId);
    return {
      check: {
        queued: queuedIds.size,
        inFlight: (await store.range("outbox", { ...flightRange(peer), limit: 1 })).length > 0,
        deadLetters: await count("deadLetters", `${peer}!`),
        replies: await count("deliveries", `reply!${peer}!`),
      },
      queuedIds,
    };
  } finally {
    await store.close();
  }
}
