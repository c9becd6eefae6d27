import { nextWake } from "../domain/deadlines.js";
import type { DeadlineRecord } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Deadlines live in one sublevel under two prefixes: `r!<id>` holds the record and
 * `w!<instant>!<id>` indexes when it next needs attention, so the scheduler reads only
 * what is due.
 */
export function deadlineOps(record: DeadlineRecord, previous?: DeadlineRecord): Op[] {
  const ops: Op[] = [];
  if (previous) ops.push(...removeWake(previous));
  ops.push({ type: "put", aggregate: "deadlines", key: `r!${record.id}`, value: record });
  const wake = nextWake(record);
  if (wake)
    ops.push({
      type: "put",
      aggregate: "deadlines",
      key: `w!${wake}!${record.id}`,
      value: record.id,
    });
  return ops;
}

export function removeDeadlineOps(record: DeadlineRecord): Op[] {
  return [{ type: "del", aggregate: "deadlines", key: `r!${record.id}` }, ...removeWake(record)];
}

function removeWake(record: DeadlineRecord): Op[] {
  const wake = nextWake(record);
  return wake ? [{ type: "del", aggregate: "deadlines", key: `w!${wake}!${record.id}` }] : [];
}
