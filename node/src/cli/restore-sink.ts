import { createHash, type Hash } from "node:crypto";
import { mkdir, open, rename, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { AGGREGATES, type Aggregate } from "../store/db.js";
import type { LevelStore } from "../store/store.js";
import { isSha256 } from "./attachment-files.js";
import type { BackupCounts, BackupRecord } from "./backup-format.js";
import { CliError } from "./io.js";

interface OpenFile {
  sha256: string;
  size: number;
  handle: FileHandle;
  tmp: string;
  hash: Hash;
  written: number;
}

const BATCH = 500;

/**
 * Takes backup records one at a time and writes them into a fresh store and attachments
 * folder: keys in batches, attachment bytes through a temporary file that must hash to its
 * name before it is renamed into place.
 */
export class RestoreSink {
  readonly counts: BackupCounts = { sublevels: {}, attachments: 0, attachmentBytes: 0 };
  private ops: Array<{
    type: "put";
    sublevel: ReturnType<LevelStore["sub"]>;
    key: string;
    value: unknown;
  }> = [];
  private file: OpenFile | null = null;

  constructor(
    private readonly store: LevelStore,
    private readonly attachments: string,
  ) {
    for (const name of AGGREGATES) this.counts.sublevels[name] = 0;
  }

  async add(record: BackupRecord, where: string): Promise<void> {
    if (record.t !== "chunk") await this.finishFile(where);
    if (record.t === "kv") {
      if (!(AGGREGATES as readonly string[]).includes(record.sub) || typeof record.key !== "string")
        throw new CliError(`${where}: no sublevel ${String(record.sub)} in this frx-node`);
      const sublevel = this.store.sub(record.sub as Aggregate);
      this.ops.push({ type: "put", sublevel, key: record.key, value: record.value });
      this.counts.sublevels[record.sub]!++;
      if (this.ops.length >= BATCH) await this.flush();
    } else if (record.t === "file") {
      if (!isSha256(record.sha256)) throw new CliError(`${where}: bad attachment name`);
      await mkdir(this.attachments, { recursive: true });
      const tmp = join(this.attachments, `.restore-${record.sha256}`);
      const handle = await open(tmp, "wx", 0o600);
      const hash = createHash("sha256");
      this.file = { sha256: record.sha256, size: record.size, handle, tmp, hash, written: 0 };
    } else if (record.t === "chunk") {
      if (this.file?.sha256 !== record.sha256)
        throw new CliError(`${where}: bytes for an attachment that was not announced`);
      const bytes = Buffer.from(record.data, "base64");
      this.file.hash.update(bytes);
      this.file.written += bytes.byteLength;
      await this.file.handle.write(bytes);
    } else {
      throw new CliError(
        `${where}: unknown record ${JSON.stringify((record as { t?: unknown }).t)}`,
      );
    }
  }

  /** Writes what is pending. */
  async finish(): Promise<void> {
    await this.finishFile("end of file");
    await this.flush();
  }

  /** Closes an open temporary file, e.g. after a failure. */
  async abort(): Promise<void> {
    await this.file?.handle.close().catch(() => undefined);
    this.file = null;
  }

  private async flush(): Promise<void> {
    if (this.ops.length === 0) return;
    const ops = this.ops;
    this.ops = [];
    // Synced like the node's own batches; classic-level honours `sync`, abstract-level's types omit it.
    await this.store.db.batch(ops, { sync: true } as object);
  }

  private async finishFile(where: string): Promise<void> {
    const f = this.file;
    if (!f) return;
    this.file = null;
    await f.handle.sync();
    await f.handle.close();
    const digest = f.hash.digest("hex");
    if (digest !== f.sha256 || f.written !== f.size)
      throw new CliError(
        `${where}: attachment ${f.sha256} came back as ${f.written} bytes hashing to ${digest}`,
      );
    await rename(f.tmp, join(this.attachments, f.sha256));
    this.counts.attachments++;
    this.counts.attachmentBytes += f.size;
  }
}
