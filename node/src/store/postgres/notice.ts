import type { Op } from "../interface.js";

/**
 * What a committed transaction changed, sent to the other replicas with NOTIFY: whose inboxes
 * gained items (to wake their long-polls), which peers' outboxes gained envelopes (to wake
 * the outbox worker, wherever it runs), and which aggregates were written (to reload caches).
 * NOTIFY payloads are limited to 8000 bytes: past a bound, `all` stands for every inbox.
 */
export interface ChangeNotice {
  replica: string;
  inbox: string[];
  outbox: string[];
  aggregates: string[];
  all?: true;
}

const MAX_NAMES = 100;

export function changeNotice(replica: string, ops: readonly Op[]): ChangeNotice {
  const inbox = new Set<string>();
  const outbox = new Set<string>();
  const aggregates = new Set<string>();
  for (const op of ops) {
    aggregates.add(op.aggregate);
    if (op.type !== "put") continue;
    if (op.aggregate === "inbox") inbox.add(op.key.slice(0, op.key.lastIndexOf("!")));
    else if (op.aggregate === "outbox" && op.key.startsWith("q!"))
      outbox.add(op.key.split("!")[1]!);
  }
  const notice: ChangeNotice = {
    replica,
    inbox: [...inbox].slice(0, MAX_NAMES),
    outbox: [...outbox].slice(0, MAX_NAMES),
    aggregates: [...aggregates],
  };
  if (inbox.size > MAX_NAMES || outbox.size > MAX_NAMES) notice.all = true;
  return notice;
}
