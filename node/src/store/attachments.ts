import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FrxError } from "@frx/spec";

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
  get(
    sha256: string,
  ): Promise<{ size: number; stream: () => ReadableStream<Uint8Array> } | undefined>;
  /** Removes the bytes (erasure); true when there were any. */
  erase(sha256: string): Promise<boolean>;
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
  constructor(private readonly dir: string) {}

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
      return { size };
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(
    sha256: string,
  ): Promise<{ size: number; stream: () => ReadableStream<Uint8Array> } | undefined> {
    const path = join(this.dir, sha256);
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    return {
      size: info.size,
      stream: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
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

  get(
    sha256: string,
  ): Promise<{ size: number; stream: () => ReadableStream<Uint8Array> } | undefined> {
    const blob = this.blobs.get(sha256);
    if (!blob) return Promise.resolve(undefined);
    return Promise.resolve({ size: blob.byteLength, stream: () => new Blob([blob]).stream() });
  }

  erase(sha256: string): Promise<boolean> {
    return Promise.resolve(this.blobs.delete(sha256));
  }
}
