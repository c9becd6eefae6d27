import { nextDue, type RemedyRecord } from "@frx/spec";
import type { Op } from "../store/store.js";

/**
 * A claim's next payment due date is indexed in the `remedies` sublevel as
 * `due!<instant>!<claim key>` (the instant normalised to toISOString, so keys sort in time),
 * on the claimant's node only (FRX-REM-015): the scheduler reads only what is due.
 */
export const DUE_PREFIX = "due!";

function wakeKey(record: RemedyRecord, claimKey: string, node: string): string | undefined {
  if (!record.claimant.startsWith(`${node}:`)) return undefined;
  const due = nextDue(record);
  return due ? `${DUE_PREFIX}${new Date(due.dueMs).toISOString()}!${claimKey}` : undefined;
}

/**
 * The ops that move a claim's due-date index from what `previous` waited for to what `next`
 * waits for: nothing when both wait for the same instant.
 */
export function paymentWakeOps(
  node: string,
  claimKey: string,
  previous: RemedyRecord | undefined,
  next: RemedyRecord,
): Op[] {
  const before = previous ? wakeKey(previous, claimKey, node) : undefined;
  const after = wakeKey(next, claimKey, node);
  if (before === after) return [];
  return [
    ...(before ? [{ type: "del", aggregate: "remedies", key: before } as Op] : []),
    ...(after ? [{ type: "put", aggregate: "remedies", key: after, value: claimKey } as Op] : []),
  ];
}
