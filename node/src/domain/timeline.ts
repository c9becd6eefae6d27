import { pad } from "../store/db.js";
import type { CaseRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";

/**
 * Appends an entry to a case's timeline: the op that writes it at the next slot. It advances
 * `record` (the caller's own copy) so several entries in one batch take distinct slots; the
 * caller writes `record` back in the same batch.
 */
export function appendTimeline(record: CaseRecord, entry: TimelineEntry): Op {
  const op: Op = {
    type: "put",
    aggregate: "timeline",
    key: `${record.case}!${pad(record.timelineLength)}`,
    value: entry,
  };
  record.timelineLength++;
  record.updatedAt = entry.at;
  return op;
}
