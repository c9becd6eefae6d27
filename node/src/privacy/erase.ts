import type { AppContext } from "../context.js";
import type { DeadLetter, OutboxItem } from "../federation/outbox-store.js";
import type { CaseRecord, MessageRecord } from "../store/records.js";
import type { Op } from "../store/store.js";
import { attachmentsOf, openedMessages, type OpenedMessage } from "./scan.js";

export type ErasureReason = NonNullable<MessageRecord["erased"]>["reason"];

/** What an erasure did, kept in `meta` as `erasure!<id>` (FRX-DP-007). */
export interface ErasureRecord {
  id: string;
  at: string;
  reason: ErasureReason;
  /** Who asked: an operator, `retention`, or the node whose notice it was. */
  by: string;
  /** Why, in the words of whoever asked. */
  note: string;
  personRef?: string;
  messages: string[];
  cases: string[];
  /** Attachment files whose bytes were removed. */
  attachments: string[];
  /** Cases where a legal hold kept content (nothing was erased there). */
  heldCases: string[];
}

/**
 * The ops that erase the content of `targets` (FRX-DP-006): each message record keeps its
 * traces (id, digest, type, sender, case, referral, times, recipients, receipt) and loses its
 * envelope; queued deliveries of it are dropped, dead letters keep their traces only.
 */
async function erasureOps(
  ctx: AppContext,
  targets: OpenedMessage[],
  erased: NonNullable<MessageRecord["erased"]>,
): Promise<Op[]> {
  const ids = new Set(targets.map((t) => t.record.id));
  const ops: Op[] = targets.map((t) => ({
    type: "put",
    aggregate: "messages",
    key: t.record.id,
    value: { ...t.record, jws: "", erased } satisfies MessageRecord,
  }));
  for (const [key, item] of await ctx.store.range<OutboxItem>("outbox", { gte: "q!", lt: "q!~" }))
    if (ids.has(item.messageId)) ops.push({ type: "del", aggregate: "outbox", key });
  for (const [key, dead] of await ctx.store.range<DeadLetter>("deadLetters"))
    if (ids.has(dead.messageId))
      ops.push({ type: "put", aggregate: "deadLetters", key, value: { ...dead, jws: "" } });
  return ops;
}

/**
 * Erases the content of the chosen messages, in one batch with its record and audit entry,
 * then removes the attachment files no message with content still references. `choose` sees
 * every stored message with content; `extra` adds ops to the same batch (a consent removed).
 */
export async function erase(
  ctx: AppContext,
  options: {
    reason: ErasureReason;
    by: string;
    note: string;
    personRef?: string;
    heldCases?: string[];
    choose: (m: OpenedMessage) => boolean;
    extra?: (cases: string[], record: ErasureRecord) => Promise<Op[]>;
  },
): Promise<ErasureRecord> {
  const { commit, record, files, purged } = await ctx.serial.run(async () => {
    const targets: OpenedMessage[] = [];
    const live = new Set<string>();
    for await (const m of openedMessages(ctx)) {
      if (!m.message) continue;
      if (options.choose(m)) targets.push(m);
      else for (const sha of attachmentsOf(m)) live.add(sha);
    }
    const at = ctx.clock.now().toISOString();
    const id = ctx.ids();
    const cases = [...new Set(targets.flatMap((t) => (t.record.case ? [t.record.case] : [])))];
    const files = [...new Set(targets.flatMap(attachmentsOf))].filter((s) => !live.has(s));
    const record: ErasureRecord = {
      id,
      at,
      reason: options.reason,
      by: options.by,
      note: options.note,
      ...(options.personRef ? { personRef: options.personRef } : {}),
      messages: targets.map((t) => t.record.id),
      cases,
      attachments: files,
      heldCases: options.heldCases ?? [],
    };
    if (targets.length === 0 && record.heldCases.length === 0)
      return { commit: Promise.resolve(), record, files: [], purged: [] };
    // Every record the erasure changes: their earlier values hold what is erased.
    const changed: Op[] = [
      ...(await erasureOps(ctx, targets, { at, reason: options.reason, ref: id })),
      ...((await options.extra?.(cases, record)) ?? []),
    ];
    const ops: Op[] = [
      ...changed,
      { type: "put", aggregate: "meta", key: `erasure!${id}`, value: record },
      ...ctx.audit.append(at, {
        kind: "admin",
        actor: options.by,
        detail: `erasure ${id} (${options.reason}): content of ${targets.length} message(s) in ${cases.length} case(s) erased${record.heldCases.length ? `; held by a legal hold: ${record.heldCases.join(", ")}` : ""}`,
      }),
    ];
    const purged = changed.map(({ aggregate, key }) => ({ aggregate, key }));
    // The content to erase on disk, not in memory with its erasure, so that purge can drop it.
    await ctx.store.settle();
    return { commit: ctx.store.commit(ops), record, files, purged };
  });
  await commit;
  // After the batch is on disk: a crash in between leaves bytes no record points to, never a record without them.
  for (const sha of files) await ctx.attachments.erase(sha);
  // Out of the store's files too, and so out of any copy of them taken from now on (FRX-DP-018).
  await ctx.store.purge(purged);
  return record;
}

/** Removes a person's consent on record from the cases named (erasure on request). */
export async function consentRemovalOps(
  ctx: AppContext,
  cases: string[],
  personRef: string,
): Promise<Op[]> {
  const ops: Op[] = [];
  for (const id of cases) {
    const c = await ctx.store.get<CaseRecord>("cases", id);
    if (!c?.consents?.[personRef]) continue;
    const consents = { ...c.consents };
    delete consents[personRef];
    ops.push({ type: "put", aggregate: "cases", key: id, value: { ...c, consents } });
  }
  return ops;
}

export async function listErasures(ctx: AppContext): Promise<ErasureRecord[]> {
  return (await ctx.store.range<ErasureRecord>("meta", { gte: "erasure!", lt: "erasure!~" })).map(
    ([, v]) => v,
  );
}
