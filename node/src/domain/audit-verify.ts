import type { KeyObject } from "node:crypto";
import {
  assertSignature,
  importPublicKey,
  parseCompact,
  thumbprint,
  type ErrorCode,
  type PublicJwk,
} from "@frx/spec";
import type { AuditEntry } from "../store/records.js";
import type { Store } from "../store/store.js";
import { entryHash, GENESIS, RECORDED, recordHash, recordName } from "./audit-hash.js";

/** A signed checkpoint as stored, and as exported for an operator to keep elsewhere (an anchor). */
export interface Anchor {
  seq: number;
  hash: string;
  at: string;
  jws: string;
}

/** The codes of spec/audit.md: a report's, not a refusal's. */
export type AuditCode = Extract<ErrorCode, `audit.${string}`>;

export interface AuditReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** The newest entry a verified checkpoint or the anchor signs (0 when none). */
  anchoredAt: number;
  /** Entries after it: a tail cut or re-chained there cannot be told from an honest one (FRX-AUD-005). */
  unanchored: number;
  code?: AuditCode;
  /** The first failure: an entry (`seq`) or a stored record (`record`, as `<aggregate>/<key>`). */
  firstBroken?: { seq?: number; record?: string; reason: string };
}

type Checked = { hash: string; payload: { seq: number; hash: string } } | { reason: string };

/** A checkpoint's signature by one of the node's keys, and what it signs. */
function checkSigned(jws: string, keys: Map<string, KeyObject>): Checked {
  try {
    const parsed = parseCompact(jws, "frx-checkpoint+jws");
    const key = keys.get(parsed.header.kid);
    if (!key)
      return { reason: `signed by key ${parsed.header.kid}, which is not one of this node's` };
    assertSignature(parsed, key);
    const payload = JSON.parse(new TextDecoder().decode(parsed.payload)) as Anchor;
    return { hash: payload.hash, payload };
  } catch {
    return { reason: "signature does not verify" };
  }
}

/**
 * Walks the whole chain (streamed), every checkpoint, the anchor if one is given, and then every
 * stored record of the recorded aggregates against the latest hash the chain holds for it;
 * names the first failure. `nodeKeys` are the node's signing keys, current and retired, so
 * checkpoints from before a key rotation still verify.
 */
export async function verifyAudit(
  store: Store,
  nodeKeys: PublicJwk | PublicJwk[],
  anchor?: Anchor,
): Promise<AuditReport> {
  let prev = GENESIS;
  let last = 0;
  const hashes = new Map<number, string>();
  const written = new Map<string, { hash: string | null; seq: number }>();
  let checkpoints = 0;
  let anchoredAt = 0;
  const fail = (code: AuditCode, firstBroken: AuditReport["firstBroken"]): AuditReport => ({
    ok: false,
    entries: last,
    checkpoints,
    anchoredAt,
    unanchored: Math.max(0, last - anchoredAt),
    code,
    firstBroken,
  });
  for await (const [, value] of store.iterate("audit")) {
    const entry = value as AuditEntry;
    const expected = last + 1;
    const { hash, ...rest } = entry;
    if (entry.seq !== expected)
      return fail("audit.chain-broken", {
        seq: expected,
        reason: `entry ${expected} is missing (found ${entry.seq})`,
      });
    if (entry.prev !== prev)
      return fail("audit.chain-broken", {
        seq: entry.seq,
        reason: "prev does not match the previous entry's hash",
      });
    if (entryHash(rest) !== hash)
      return fail("audit.chain-broken", {
        seq: entry.seq,
        reason: "hash does not match the entry's content",
      });
    for (const [name, h] of Object.entries(entry.writes ?? {}))
      written.set(name, { hash: h, seq: entry.seq });
    hashes.set(entry.seq, hash);
    prev = hash;
    last = entry.seq;
  }
  const keys = new Map(
    (Array.isArray(nodeKeys) ? nodeKeys : [nodeKeys]).map((k) => [
      k.kid ?? thumbprint(k),
      importPublicKey(k),
    ]),
  );
  for await (const [, value] of store.iterate("checkpoints")) {
    const cp = value as Anchor;
    checkpoints++;
    const checked = checkSigned(cp.jws, keys);
    if ("reason" in checked)
      return fail("audit.chain-broken", { seq: cp.seq, reason: `checkpoint ${checked.reason}` });
    if (checked.payload.seq !== cp.seq || checked.hash !== hashes.get(cp.seq))
      return fail("audit.chain-broken", {
        seq: cp.seq,
        reason: "checkpoint does not match the chain",
      });
    anchoredAt = Math.max(anchoredAt, cp.seq);
  }
  if (anchor) {
    const checked = checkSigned(anchor.jws, keys);
    if ("reason" in checked)
      return fail("audit.anchor-mismatch", { reason: `the anchor's ${checked.reason}` });
    const { seq } = checked.payload;
    if (seq > last)
      return fail("audit.anchor-mismatch", {
        seq: last + 1,
        reason: `the anchor signs entry ${seq}, but the chain ends at entry ${last}: its tail is gone`,
      });
    if (hashes.get(seq) !== checked.hash)
      return fail("audit.anchor-mismatch", {
        seq,
        reason: `entry ${seq} is not the one the anchor signs: the chain was rewritten`,
      });
    anchoredAt = Math.max(anchoredAt, seq);
  }
  const seen = new Set<string>();
  for (const aggregate of RECORDED) {
    for await (const [key, value] of store.iterate(aggregate)) {
      const name = recordName(aggregate, key as string);
      seen.add(name);
      const recorded = written.get(name);
      const reason = !recorded
        ? "the audit chain never recorded this record"
        : recorded.hash === null
          ? `the audit chain records its deletion at entry ${recorded.seq}`
          : recorded.hash !== recordHash(value)
            ? `it differs from the hash the audit chain records at entry ${recorded.seq}`
            : undefined;
      if (reason) return fail("audit.record-mismatch", { record: name, reason });
    }
  }
  for (const [name, recorded] of written) {
    if (recorded.hash !== null && !seen.has(name))
      return fail("audit.record-mismatch", {
        record: name,
        reason: `it is missing, though the audit chain records it at entry ${recorded.seq}`,
      });
  }
  return {
    ok: true,
    entries: last,
    checkpoints,
    anchoredAt,
    unanchored: Math.max(0, last - anchoredAt),
  };
}
