// The records of a year of traffic, laid out the way ingest lays them out: each message with
// its record (the envelope sealed with the node's data key, as FRX-DP-001 stores it), one inbox
// item per recipient, a timeline line in its case, and the case; cases of `perCase` messages.
// Used by the store-scale fill (scale-fill.ts) and by the tests that check what a start and a
// read cost on a large store.
import { digestOf, parseInstant } from "@frx/spec";
import { inboxKey } from "../pipeline/inbox-ops.js";
import type { DataKeyring } from "../privacy/data-keys.js";
import { sealEnvelope } from "../privacy/envelopes.js";
import { pad } from "../store/db.js";
import type { PutOp } from "../store/interface.js";
import type { CaseRecord, InboxItem, MessageRecord, TimelineEntry } from "../store/records.js";

export interface ScaleLayout {
  /** The agencies that send and receive: message i goes from one to the next two. */
  participants: string[];
  /** Signed envelopes whose JWS the records reuse in turn (a record's bytes, not its id, are what a read returns). */
  jwsPool: string[];
  messages: number;
  perCase: number;
  /** The node's data key, to seal each record's envelope. */
  dataKeys: DataKeyring;
  /** The inbox cursor already used (the generated items follow it). */
  cursor?: number;
}

/** Where the generation stands: the last inbox cursor used, and some cases to read back. */
export interface ScaleState {
  cursor: number;
  cases: number;
  sampleCases: Array<{ case: string; party: string }>;
}

const BASE = parseInstant("2025-12-01T00:00:00Z");

/**
 * Yields the put ops of `layout.messages` messages over a year, in order; `state` follows
 * along (the last op yielded is the meta inbox cursor).
 *
 * @example const state = { cursor: 0, cases: 0, sampleCases: [] }; for (const op of scaleOps(layout, state)) …
 */
export function* scaleOps(layout: ScaleLayout, state: ScaleState): Generator<PutOp> {
  const ids = layout.participants;
  const stepMs = (365 * 86_400_000) / Math.max(1, layout.messages);
  state.cursor = layout.cursor ?? 0;
  let open: CaseRecord | null = null;
  for (let i = 0; i < layout.messages; i++) {
    const at = new Date(BASE + i * stepMs).toISOString();
    const from = ids[i % ids.length]!;
    const to = [ids[(i + 1) % ids.length]!, ids[(i + 2) % ids.length]!];
    const id = `01SCALE${pad(i).slice(-19)}`;
    const jws = layout.jwsPool[i % layout.jwsPool.length]!;
    if (i % layout.perCase === 0) {
      if (open) yield { type: "put", aggregate: "cases", key: open.case, value: open };
      open = {
        case: `${from}:SCALE${pad(i)}`,
        createdAt: at,
        updatedAt: at,
        parties: [from, ...to],
        referrals: [],
        investigations: [],
        timelineLength: 0,
      };
      state.cases++;
      if (state.sampleCases.length < 5000 && i % (layout.perCase * 7) === 0)
        state.sampleCases.push({ case: open.case, party: from });
    }
    const record: MessageRecord = {
      id,
      digest: digestOf(jws),
      jws: sealEnvelope(layout.dataKeys, id, jws),
      receipt: jws,
      receivedAt: at,
      from,
      type: "case.notify",
      case: open!.case,
      deliveredTo: to,
    };
    yield { type: "put", aggregate: "messages", key: id, value: record };
    for (const participant of to) {
      const item: InboxItem = { cursor: ++state.cursor, participant, messageId: id, at };
      yield {
        type: "put",
        aggregate: "inbox",
        key: inboxKey(participant, item.cursor),
        value: item,
      };
    }
    const entry: TimelineEntry = { at, messageId: id, type: "case.notify", from, to };
    yield {
      type: "put",
      aggregate: "timeline",
      key: `${open!.case}!${pad(open!.timelineLength)}`,
      value: entry,
    };
    open!.timelineLength++;
    open!.updatedAt = at;
  }
  if (open) yield { type: "put", aggregate: "cases", key: open.case, value: open };
  yield { type: "put", aggregate: "meta", key: "inboxCursor", value: state.cursor };
}
