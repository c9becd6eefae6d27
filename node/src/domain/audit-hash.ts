import { createHash } from "node:crypto";
import { canonicalize } from "@frx/spec";
import type { AuditEntry } from "../store/records.js";
import type { Aggregate } from "../store/db.js";

export const GENESIS = "0".repeat(64);

/** The hash of an entry: SHA-256 over the canonical JSON of everything but `hash`. */
export function entryHash(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(canonicalize(entry)).digest("hex");
}

/**
 * The hash of a stored record as the store holds it: SHA-256 over its JSON text. The store's
 * value encoding is JSON.stringify, and reading parses that text back in the same member
 * order, so the hash of what was written equals the hash of what is read.
 */
export function recordHash(
  value: unknown,
  /** The value's JSON text, when the caller has it already (the store, encoding the batch). */
  textOf: (value: unknown) => string = JSON.stringify,
): string {
  return createHash("sha256").update(textOf(value)).digest("hex");
}

/**
 * The aggregates whose every write is recorded in the chain (FRX-AUD-001). Left out: the audit
 * log and its checkpoints themselves, the token replay cache (`jti`, one write per API call,
 * nothing but expiry times) and the cache of peers' directories (re-fetched and re-verified).
 */
export const RECORDED: ReadonlySet<Aggregate> = new Set<Aggregate>([
  "participants",
  "keys",
  "messages",
  "cases",
  "timeline",
  "referrals",
  "investigations",
  "inbox",
  "deadlines",
  "attachments",
  "registry",
  "meta",
  "trust",
  "outbox",
  "deliveries",
  "inboundTxns",
  "deadLetters",
]);

/** How a record is named in an audit entry's `writes` and in a report: `<aggregate>/<key>`. */
export const recordName = (aggregate: string, key: string): string => `${aggregate}/${key}`;
