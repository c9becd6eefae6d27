import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FrxError } from "@frx/spec";
import type { AttachmentStore, StoredBlob } from "../store/attachments.js";
import type { DataKeyring } from "./data-keys.js";
import { syncDir } from "../store/sync-dir.js";
import {
  isSealedFile,
  SEALED_TAG_BYTES as TAG_BYTES,
  sealedAad as aad,
  sealedFileKeyId,
  sealedHeader as header,
} from "./sealed-file-format.js";
import { SealedPartials } from "./sealed-partials.js";

export { isSealedFile, sealedFileKeyId };

/** Opens a sealed file's bytes; a file from before encryption at rest is returned as it is. */
export function openFile(ring: DataKeyring, sha256: string, bytes: Buffer): Buffer {
  if (!isSealedFile(bytes)) return bytes;
  const id = sealedFileKeyId(bytes);
  const key = ring.key(id);
  if (!key)
    throw new Error(
      `attachment ${sha256} is sealed with data key ${id}, which this node does not hold`,
    );
  const ivStart = 5 + bytes[4]!;
  const iv = bytes.subarray(ivStart, ivStart + 12);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad(sha256));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(ivStart + 12, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]);
}

/** Seals plaintext bytes as a file under the current key. */
export function sealFile(ring: DataKeyring, sha256: string, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.key(ring.currentId)!, iv);
  cipher.setAAD(aad(sha256));
  return Buffer.concat([
    header(ring.currentId, iv),
    cipher.update(plain),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
}

/**
 * Attachment bytes on disk, sealed with the node's data key (FRX-DP-001): the upload is
 * hashed as plaintext (its name stays the digest the envelope signs) and encrypted on the way
 * to a temporary file, which is synced and renamed into place. Reads decrypt and authenticate
 * the whole file before serving a byte, so an altered file is never served.
 */
export class SealedFileAttachmentStore implements AttachmentStore {
  /**
   * Files arriving from peers (FRX-FED-077) are held in `.partial`, encrypted, only while in
   * transit (FRX-DP-019); once whole and checked they are sealed into the store like an upload,
   * and the partial removed.
   */
  readonly partials: SealedPartials;

  constructor(
    private readonly dir: string,
    private readonly keys: () => DataKeyring,
  ) {
    this.partials = new SealedPartials(
      dir,
      keys,
      async (sha256, body) => {
        await this.put(sha256, body, Number.MAX_SAFE_INTEGER);
      },
      (sha256) => this.path(sha256),
    );
  }

  path(sha256: string): string {
    return join(this.dir, sha256);
  }

  async put(
    sha256: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<{ size: number }> {
    await mkdir(this.dir, { recursive: true });
    const ring = this.keys();
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", ring.key(ring.currentId)!, iv);
    cipher.setAAD(aad(sha256));
    const hash = createHash("sha256");
    const tmp = join(this.dir, `.upload-${randomBytes(8).toString("hex")}`);
    const file = await open(tmp, "w", 0o600);
    let size = 0;
    const reader = body.getReader();
    try {
      await file.write(header(ring.currentId, iv));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new FrxError(
            "attachment.too-large",
            `attachments are limited to ${maxBytes} bytes`,
          );
        }
        hash.update(value);
        await file.write(cipher.update(value));
      }
      const digest = hash.digest("hex");
      if (digest !== sha256)
        throw new FrxError(
          "attachment.digest-mismatch",
          `the bytes hash to ${digest}, not ${sha256}`,
        );
      await file.write(Buffer.concat([cipher.final(), cipher.getAuthTag()]));
      await file.sync();
      await file.close();
      await rename(tmp, this.path(sha256));
      await syncDir(this.dir);
      return { size };
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /**
   * Streams the file decrypted, from `start`: the bytes before it are decrypted and dropped, so
   * the GCM tag is still checked at the end; an altered file ends the stream with an error
   * after at most the bytes before the alteration, which the reader's own sha256 check (the
   * agency's, or the destination node's, FRX-ENV-017) then refuses. Never the whole file in
   * memory.
   */
  async get(sha256: string): Promise<StoredBlob | undefined> {
    const path = this.path(sha256);
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    const head = Buffer.alloc(Math.min(info.size, 5 + 255 + 12));
    const fd = await open(path, "r");
    try {
      await fd.read(head, 0, head.length, 0);
    } finally {
      await fd.close();
    }
    if (!isSealedFile(head))
      return {
        size: info.size,
        stream: (start = 0) =>
          Readable.toWeb(createReadStream(path, { start })) as ReadableStream<Uint8Array>,
      };
    const keyId = sealedFileKeyId(head);
    const key = this.keys().key(keyId);
    if (!key)
      throw new Error(
        `attachment ${sha256} is sealed with data key ${keyId}, which this node does not hold`,
      );
    const bodyStart = 5 + head[4]! + 12;
    const iv = head.subarray(5 + head[4]!, bodyStart);
    const size = info.size - bodyStart - TAG_BYTES;
    return {
      size,
      stream: (start = 0) => {
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(aad(sha256));
        const tag = createReadStream(path, { start: info.size - TAG_BYTES });
        const chunks = (async function* () {
          const tagBytes: Buffer[] = [];
          for await (const c of tag) tagBytes.push(c as Buffer);
          decipher.setAuthTag(Buffer.concat(tagBytes));
          let skip = start;
          const emit = (plain: Buffer): Buffer | undefined => {
            if (skip >= plain.length) {
              skip -= plain.length;
              return undefined;
            }
            const out = plain.subarray(skip);
            skip = 0;
            return out;
          };
          if (size > 0)
            for await (const c of createReadStream(path, {
              start: bodyStart,
              end: info.size - TAG_BYTES - 1,
              highWaterMark: 1024 * 1024,
            })) {
              const out = emit(decipher.update(c as Buffer));
              if (out && out.length > 0) yield out;
            }
          const last = emit(decipher.final());
          if (last && last.length > 0) yield last;
        })();
        return Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>;
      },
    };
  }

  /** Removes the bytes (erasure, FRX-DP-006); the metadata and digest stay in the store. */
  async erase(sha256: string): Promise<boolean> {
    const info = await stat(this.path(sha256)).catch(() => undefined);
    if (!info) return false;
    await rm(this.path(sha256), { force: true });
    return true;
  }

  /** The data key id a stored file is sealed with; undefined for no file, or one in plaintext. */
  async keyIdOf(sha256: string): Promise<string | undefined> {
    const fd = await open(this.path(sha256), "r").catch(() => undefined);
    if (!fd) return undefined;
    try {
      const head = Buffer.alloc(5 + 255);
      const { bytesRead } = await fd.read(head, 0, head.length, 0);
      const bytes = head.subarray(0, bytesRead);
      return isSealedFile(bytes) && bytes.length > 5 ? sealedFileKeyId(bytes) : undefined;
    } finally {
      await fd.close();
    }
  }

  /** Seals the file again under the current key (the re-encrypt job); true when it changed. */
  async reseal(sha256: string): Promise<boolean> {
    const ring = this.keys();
    const bytes = await readFile(this.path(sha256)).catch(() => undefined);
    if (!bytes || (isSealedFile(bytes) && sealedFileKeyId(bytes) === ring.currentId)) return false;
    const sealed = sealFile(ring, sha256, openFile(ring, sha256, bytes));
    const tmp = join(this.dir, `.reseal-${randomBytes(8).toString("hex")}`);
    const file = await open(tmp, "wx", 0o600);
    try {
      await file.write(sealed);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.path(sha256));
    return true;
  }
}
