import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FrxError } from "@frx/spec";
import { FilePartials, MemoryPartials } from "./partials.js";
import { syncDir } from "./sync-dir.js";

/** Content-addressed attachment bytes. Metadata and access lists live in the level store. */
export interface AttachmentStore {
  /**
   * Streams `body` in, hashing on the way; keeps it only if it hashes to `sha256` and stays
   * under `maxBytes` (else `attachment.digest-mismatch` / `attachment.too-large`).
   */
  put(
    sha256: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<{ size: number }>;
  get(sha256: string): Promise<StoredBlob | undefined>;
  /** Partly received files from peers (FRX-FED-077), by a key naming origin and digest. */
  partials: PartialFiles;
  /** Removes the bytes (erasure); true when there were any. */
  erase(sha256: string): Promise<boolean>;
}

/** A stored file: its size, and its bytes from `start` (0 unless given), streamed. */
export interface StoredBlob {
  size: number;
  stream: (start?: number) => ReadableStream<Uint8Array>;
}

/**
 * Files received from a peer a record at a time: appended to, kept across a cut, and moved
 * into the content-addressed store only when whole and hashing to their digest.
 */
export interface PartialFiles {
  /** Bytes held of `key` (0 when none). */
  held(key: string): Promise<number>;
  /** Appends to `key`, which must hold exactly `offset` bytes; `close` syncs what was written. */
  open(key: string, offset: number): Promise<PartialWriter>;
  /**
   * Hashes what `key` holds (or takes `digest`, when the caller hashed the bytes as it wrote
   * them) and, when it is `sha256`, moves it into the store under that digest and returns
   * true; otherwise discards it and returns false.
   */
  promote(key: string, sha256: string, digest?: string): Promise<boolean>;
  discard(key: string): Promise<void>;
}

export interface PartialWriter {
  /** Appends the chunks, in order (one positioned write of them all where the disk allows). */
  write(...chunks: Uint8Array[]): Promise<void>;
  close(): Promise<void>;
}

async function consume(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FrxError("attachment.too-large", `attachments are limited to ${maxBytes} bytes`);
    }
    hash.update(value);
    await sink(value);
  }
  return { digest: hash.digest("hex"), size };
}

/** Files under a directory, written to a temporary name, fsynced, then renamed into place. */
export class FileAttachmentStore implements AttachmentStore {
  readonly partials: PartialFiles;

  constructor(private readonly dir: string) {
    this.partials = new FilePartials(dir);
  }

  async put(
    sha256: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<{ size: number }> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.upload-${randomBytes(8).toString("hex")}`);
    const file = await open(tmp, "w", 0o600);
    try {
      const { digest, size } = await consume(body, maxBytes, async (chunk) => {
        await file.write(chunk);
      });
      if (digest !== sha256)
        throw new FrxError(
          "attachment.digest-mismatch",
          `the bytes hash to ${digest}, not ${sha256}`,
        );
      await file.sync();
      await file.close();
      await rename(tmp, join(this.dir, sha256));
      await syncDir(this.dir);
      return { size };
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(sha256: string): Promise<StoredBlob | undefined> {
    const path = join(this.dir, sha256);
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    return {
      size: info.size,
      stream: (start = 0) =>
        Readable.toWeb(
          createReadStream(path, { start, highWaterMark: 256 * 1024 }),
        ) as ReadableStream<Uint8Array>,
    };
  }

  async erase(sha256: string): Promise<boolean> {
    const path = join(this.dir, sha256);
    const info = await stat(path).catch(() => undefined);
    await rm(path, { force: true });
    return !!info;
  }
}

/** In memory, for tests. */
export class MemoryAttachmentStore implements AttachmentStore {
  private readonly blobs = new Map<string, Uint8Array>();
  readonly partials: PartialFiles = new MemoryPartials(this.blobs);

  async put(
    sha256: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<{ size: number }> {
    const chunks: Uint8Array[] = [];
    const { digest, size } = await consume(body, maxBytes, (chunk) => {
      chunks.push(chunk);
      return Promise.resolve();
    });
    if (digest !== sha256)
      throw new FrxError(
        "attachment.digest-mismatch",
        `the bytes hash to ${digest}, not ${sha256}`,
      );
    this.blobs.set(sha256, Buffer.concat(chunks));
    return { size };
  }

  get(sha256: string): Promise<StoredBlob | undefined> {
    const blob = this.blobs.get(sha256);
    if (!blob) return Promise.resolve(undefined);
    return Promise.resolve({
      size: blob.byteLength,
      stream: (start = 0) => new Blob([blob.subarray(start)]).stream(),
    });
  }

  /** Test hook: replaces stored bytes without changing their digest (a file corrupted at rest). */
  tamper(sha256: string, bytes: Uint8Array): void {
    this.blobs.set(sha256, bytes);
  }

  erase(sha256: string): Promise<boolean> {
    return Promise.resolve(this.blobs.delete(sha256));
  }
}
