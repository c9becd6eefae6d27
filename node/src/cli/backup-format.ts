import type { FileHandle } from "node:fs/promises";
import type { NodeConfig } from "../config/config.js";
import type { NodeKeys, nodePublicKeys } from "../config/keys.js";
import { LineDigest, type BackupSeal } from "./backup-seal.js";
import { CliError, field } from "./io.js";

/**
 * An frx-node backup is one JSON-lines file: a header line, then one `kv` line per stored
 * key (sublevel by sublevel, in key order), then each attachment as a `file` line followed
 * by `chunk` lines of base64 bytes, and last a `seal` line: the node's signature over all the
 * lines before it (backup-seal.ts). The header's counts let a restore say what is missing.
 */
export const BACKUP_FORMAT = "frx-node-backup";
/** 2: sealed. A version 1 backup (unsealed) cannot be checked, and is refused. */
export const BACKUP_VERSION = 2;
/** Raw bytes per `chunk` line (about 1 MiB of base64). */
export const CHUNK_BYTES = 768 * 1024;

export interface BackupCounts {
  /** Keys per sublevel, by aggregate name. */
  sublevels: Record<string, number>;
  attachments: number;
  attachmentBytes: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  node: string;
  createdAt: string;
  counts: BackupCounts;
  /** config.json as written (not a secret). */
  config: NodeConfig;
  /** The node's public keys: enough to check the audit checkpoints after a restore. */
  publicKeys: ReturnType<typeof nodePublicKeys>;
  keysIncluded: boolean;
  /** node-keys.json, only with `--include-keys`. */
  keys?: NodeKeys;
}

export type BackupRecord =
  | { t: "kv"; sub: string; key: string; value: unknown }
  /** `stored`: SHA-256 of the bytes as kept on disk (sealed); `sha256` names the content. */
  | { t: "file"; sha256: string; size: number; stored?: string }
  | { t: "chunk"; sha256: string; data: string }
  | BackupSeal;

/** Checks the first line of a backup file. */
export function parseHeader(line: string | undefined, file: string): BackupHeader {
  let header: Partial<BackupHeader> | undefined;
  try {
    header = line === undefined ? undefined : (JSON.parse(line) as Partial<BackupHeader>);
  } catch {
    header = undefined;
  }
  if (header?.format !== BACKUP_FORMAT)
    throw new CliError(`${file} is not an frx-node backup (no ${BACKUP_FORMAT} header)`);
  if (header.version !== BACKUP_VERSION)
    throw new CliError(
      `${file} is backup version ${header.version}; this frx-node reads ${BACKUP_VERSION} (sealed backups)`,
    );
  if (!header.config || !header.publicKeys || !header.counts)
    throw new CliError(`${file} has an incomplete header`);
  return header as BackupHeader;
}

/** Writes JSON lines through a buffer, so a large store is not one syscall per key. */
export class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  /** Every line written so far, for the seal. */
  readonly digest = new LineDigest();

  constructor(private readonly file: FileHandle) {}

  async write(record: BackupHeader | BackupRecord): Promise<void> {
    const line = JSON.stringify(record) + "\n";
    if (!("t" in record && record.t === "seal")) this.digest.add(line);
    this.buffer.push(line);
    this.size += line.length;
    if (this.size >= 1024 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    await this.file.write(text);
  }
}

/** The non-empty counts, one `field` line each, for backup's and restore's summaries. */
export function countLines(counts: BackupCounts): string[] {
  return [
    ...Object.entries(counts.sublevels)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => field(name, n)),
    field("attachment files", `${counts.attachments} (${counts.attachmentBytes} bytes)`),
  ];
}
