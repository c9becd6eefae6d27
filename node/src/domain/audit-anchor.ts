import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Op } from "../store/store.js";
import type { Anchor } from "./audit-verify.js";

/** Where a node with a data folder keeps its newest checkpoint, outside its store. */
export const ANCHOR_FILE = "audit-anchor.json";

/**
 * Writes the newest checkpoint among `ops` (a batch now on disk) to `file`, replacing it
 * atomically (FRX-AUD-003). Outside the store, it survives what the store loses or is made to
 * forget; an operator copies it elsewhere to keep it from whoever can edit the node's folder.
 */
export function exportCheckpoint(file: string, ops: readonly Op[]): void {
  let newest: Anchor | undefined;
  for (const op of ops)
    if (op.aggregate === "checkpoints" && op.type === "put") newest = op.value as Anchor;
  if (!newest) return;
  writeFileSync(`${file}.tmp`, JSON.stringify(newest, null, 2) + "\n", { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
}

/** Reads an anchor file written by exportCheckpoint or `audit checkpoint --out`. */
export function readAnchor(file: string): Anchor {
  return anchorOf(JSON.parse(readFileSync(file, "utf8")), file);
}

/** An anchor's shape checked (its signature is checked by verifyAudit); `what` names it in the error. */
export function anchorOf(value: unknown, what: string): Anchor {
  const a = (value ?? {}) as Partial<Anchor>;
  if (typeof a.seq !== "number" || typeof a.jws !== "string")
    throw new TypeError(`${what} is not an audit checkpoint ({seq, hash, at, jws})`);
  return a as Anchor;
}
