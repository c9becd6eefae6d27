import { createCipheriv, hkdfSync, randomBytes, type Cipher, type CipherGCM } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { isFrxError } from "@frx/spec";
import type { PartialFiles, PartialWriter } from "../store/attachments.js";
import type { DataKeyring } from "./data-keys.js";
import { syncDir } from "../store/sync-dir.js";
import {
  gcmBodyCounter,
  SEALED_IV_BYTES,
  SEALED_MAGIC,
  sealedAad,
  sealedHeader,
} from "./sealed-file-format.js";

/** Partials written before they took the sealed layout: a key derived from the data key. */
const OLD_MAGIC = Buffer.from("FRXP", "ascii");
const OLD_IV_BYTES = 16;
const KEY = /^[A-Z]{2}-[0-9a-f]{64}$/;
const BLOCK = 16n;
const WRAP = 1n << 128n;
/** GCM's bound on one body (2^32 - 2 blocks): past it CTR's counter would leave GCM's. */
const GCM_MAX_BYTES = (2 ** 32 - 2) * 16;
/** Partials whose GCM state is kept for a promotion in place. */
const MAX_SEALING = 64;

function checked(key: string): string {
  if (!KEY.test(key)) throw new TypeError(`not a partial file key: ${key}`);
  return key;
}

/** The key of an old (`FRXP`) partial: HKDF-SHA-256 of a data key. */
function oldPartialKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", dataKey, Buffer.alloc(0), "frx partial file/1", 32));
}

/** AES-256-CTR positioned at byte `offset` of the stream that starts at counter block `first`. */
function cipherAt(key: Buffer, first: Buffer, offset: number): Cipher {
  const counter = (BigInt(`0x${first.toString("hex")}`) + BigInt(offset) / BLOCK) % WRAP;
  const start = Buffer.from(counter.toString(16).padStart(32, "0"), "hex");
  const cipher = createCipheriv("aes-256-ctr", key, start);
  const skip = offset % 16;
  if (skip > 0) cipher.update(Buffer.alloc(skip));
  return cipher;
}

interface Header {
  /** The CTR key and first counter block of the bytes after the header. */
  key: Buffer;
  counter: Buffer;
  /** Header bytes. */
  length: number;
  /** The sealed layout's IV; undefined for an old partial. */
  iv?: Buffer;
}

/** A partial written from byte 0 by this process, whose GCM state can still give its tag. */
interface Sealing {
  cipher: CipherGCM;
  iv: Buffer;
  written: number;
}

/**
 * Files arriving from peers (FRX-FED-077), kept between the records of a resumable transfer,
 * encrypted at rest like every other file of the node (FRX-DP-019), in the layout of a sealed
 * file (sealed-file-format.ts) without its tag: the header, then the AES-256-GCM body under the
 * data key and a fresh IV, which is AES-CTR from the IV's counter block 2, so a transfer resumes
 * at any byte. CTR authenticates nothing: the whole file is checked against its signed digest
 * when it is promoted. A partial written whole by one writer from byte 0 is promoted by adding
 * the tag its GCM cipher computed and renaming it into the store: the file is written once.
 * Any other (resumed, or left by a restart) is decrypted, hashed and sealed again under a new
 * IV. Each byte of a partial is encrypted once: a resumed transfer appends, never rewrites.
 * A partial whose header is torn, or sealed with a key the node no longer holds, or kept by an
 * older version in plaintext, counts as nothing held: the transfer starts again. (Partials of
 * the version before this layout, `FRXP` under a derived key, are still resumed.)
 */
export class SealedPartials implements PartialFiles {
  private readonly folder: string;
  private readonly sealing = new Map<string, Sealing>();

  constructor(
    private readonly dir: string,
    private readonly keys: () => DataKeyring,
    /** Seals whole plaintext into the store under its digest (throws on a digest mismatch). */
    private readonly place: (sha256: string, body: ReadableStream<Uint8Array>) => Promise<void>,
    /** The store's path for a digest, where a sealed file is renamed into place. */
    private readonly storePath: (sha256: string) => string,
  ) {
    this.folder = join(dir, ".partial");
  }

  private path(key: string): string {
    return join(this.folder, checked(key));
  }

  /** The header of a partial and the bytes of plaintext it holds, or undefined when unusable. */
  private async header(key: string): Promise<(Header & { held: number }) | undefined> {
    const file = await open(this.path(key), "r").catch(() => undefined);
    if (!file) return undefined;
    try {
      const size = (await file.stat()).size;
      const head = Buffer.alloc(Math.min(size, 4 + 1 + 255 + OLD_IV_BYTES));
      await file.read(head, 0, head.length, 0);
      const magic = head.subarray(0, 4);
      const old = magic.equals(OLD_MAGIC);
      if (head.length < 5 || !(old || magic.equals(SEALED_MAGIC))) return undefined;
      const ivBytes = old ? OLD_IV_BYTES : SEALED_IV_BYTES;
      const length = 5 + head[4]! + ivBytes;
      if (head.length < length) return undefined;
      const dataKey = this.keys().key(head.subarray(5, 5 + head[4]!).toString("ascii"));
      if (!dataKey) return undefined;
      const iv = Buffer.from(head.subarray(length - ivBytes, length));
      return old
        ? { key: oldPartialKey(dataKey), counter: iv, length, held: size - length }
        : { key: dataKey, counter: gcmBodyCounter(iv), iv, length, held: size - length };
    } finally {
      await file.close();
    }
  }

  async held(key: string): Promise<number> {
    return (await this.header(key))?.held ?? 0;
  }

  async open(key: string, offset: number): Promise<PartialWriter> {
    await mkdir(this.folder, { recursive: true });
    const path = this.path(key);
    this.sealing.delete(key);
    let file: FileHandle;
    let cipher: Cipher;
    let at: number;
    let sealing: Sealing | undefined;
    if (offset === 0) {
      const ring = this.keys();
      const iv = randomBytes(SEALED_IV_BYTES);
      const head = sealedHeader(ring.currentId, iv);
      const gcm = createCipheriv("aes-256-gcm", ring.key(ring.currentId)!, iv);
      gcm.setAAD(sealedAad(key.slice(3)));
      sealing = { cipher: gcm, iv, written: 0 };
      // A transfer cut and never resumed leaves its state here: the oldest goes first (it
      // would only be promoted by the slow path).
      if (this.sealing.size >= MAX_SEALING) this.sealing.delete(this.sealing.keys().next().value!);
      this.sealing.set(key, sealing);
      cipher = gcm;
      file = await open(path, "w", 0o600);
      await file.write(head, 0, head.length, 0);
      at = head.length;
    } else {
      const found = await this.header(key);
      if (found?.held !== offset)
        throw new RangeError(`${key} holds ${found?.held ?? 0} bytes, not ${offset}`);
      file = await open(path, "r+", 0o600);
      cipher = cipherAt(found.key, found.counter, offset);
      at = found.length + offset;
    }
    const start = at - offset;
    return {
      write: async (...chunks) => {
        const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
        if (at - start + bytes > GCM_MAX_BYTES)
          throw new RangeError(`a partial holds at most ${GCM_MAX_BYTES} bytes`);
        try {
          const { bytesWritten } = await file.writev(
            chunks.map((c) => cipher.update(c)),
            at,
          );
          if (bytesWritten !== bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes`);
          at += bytes;
          if (sealing) sealing.written += bytes;
        } catch (error) {
          // The cipher may have run ahead of the disk: only the slow path can promote it now.
          this.sealing.delete(key);
          throw error;
        }
      },
      close: async () => {
        await file.sync().catch(() => undefined);
        await file.close();
      },
    };
  }

  /** The plaintext of a partial, streamed. */
  private plaintext(key: string, header: Header): ReadableStream<Uint8Array> {
    const cipher = cipherAt(header.key, header.counter, 0);
    const path = this.path(key);
    const chunks = (async function* () {
      for await (const c of createReadStream(path, {
        start: header.length,
        highWaterMark: 1024 * 1024,
      }))
        yield cipher.update(c as Buffer);
    })();
    return Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>;
  }

  async promote(key: string, sha256: string, digest?: string): Promise<boolean> {
    const header = await this.header(key);
    const sealing = this.sealing.get(key);
    this.sealing.delete(key);
    if (!header || (digest !== undefined && digest !== sha256)) {
      await this.discard(key);
      return false;
    }
    if (
      sealing &&
      digest === sha256 &&
      header.iv?.equals(sealing.iv) &&
      sealing.written === header.held
    ) {
      await this.seal(key, sha256, header.length + header.held, sealing.cipher);
      return true;
    }
    try {
      // The store hashes what it seals, and keeps it only when it is `sha256`.
      await this.place(sha256, this.plaintext(key, header));
    } catch (error) {
      if (!isFrxError(error, "attachment.digest-mismatch")) throw error;
      await this.discard(key);
      return false;
    }
    await this.discard(key);
    return true;
  }

  /**
   * Completes a partial written whole from byte 0 (its bytes hashed to its digest as they
   * were written): takes it out of `.partial` (a crash from here on leaves no partial, and
   * the transfer starts again), appends the GCM tag, syncs, and renames it into the store.
   */
  private async seal(key: string, sha256: string, end: number, cipher: CipherGCM): Promise<void> {
    const tmp = join(this.dir, `.upload-${randomBytes(8).toString("hex")}`);
    await rename(this.path(key), tmp);
    try {
      const file = await open(tmp, "r+");
      try {
        const tail = Buffer.concat([cipher.final(), cipher.getAuthTag()]);
        await file.write(tail, 0, tail.length, end);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, this.storePath(sha256));
      await syncDir(this.dir);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async discard(key: string): Promise<void> {
    this.sealing.delete(key);
    await rm(this.path(key), { force: true });
  }
}
