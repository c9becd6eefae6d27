import { createCipheriv, hkdfSync, randomBytes, type Cipher } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { isFrxError } from "@frx/spec";
import type { PartialFiles, PartialWriter } from "../store/attachments.js";
import type { DataKeyring } from "./data-keys.js";

const MAGIC = Buffer.from("FRXP", "ascii");
const IV_BYTES = 16;
const KEY = /^[A-Z]{2}-[0-9a-f]{64}$/;
const BLOCK = 16n;
const WRAP = 1n << 128n;

function checked(key: string): string {
  if (!KEY.test(key)) throw new TypeError(`not a partial file key: ${key}`);
  return key;
}

/**
 * The key partial files are encrypted with: derived from a data key (HKDF-SHA-256), so that
 * no counter block of this AES-CTR stream can meet one of the GCM seals made with the data key
 * itself.
 */
function partialKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", dataKey, Buffer.alloc(0), "frx partial file/1", 32));
}

/** AES-256-CTR positioned at byte `offset` of the stream that starts at counter `iv`. */
function cipherAt(key: Buffer, iv: Buffer, offset: number): Cipher {
  const counter = (BigInt(`0x${iv.toString("hex")}`) + BigInt(offset) / BLOCK) % WRAP;
  const start = Buffer.from(counter.toString(16).padStart(32, "0"), "hex");
  const cipher = createCipheriv("aes-256-ctr", key, start);
  const skip = offset % 16;
  if (skip > 0) cipher.update(Buffer.alloc(skip));
  return cipher;
}

interface Header {
  keyId: string;
  iv: Buffer;
  length: number;
}

/**
 * Files arriving from peers (FRX-FED-077), kept between the records of a resumable transfer,
 * encrypted at rest like every other file of the node (FRX-DP-019): a header (magic, data key
 * id, counter) and then the bytes under AES-256-CTR, so that a transfer resumes at any byte.
 * CTR authenticates nothing; the whole file is checked against its signed digest when it is
 * promoted, and sealed into the store with AES-GCM (FRX-DP-001). Each partial has a fresh
 * counter, and each byte of it is encrypted once: a resumed transfer appends, never rewrites.
 * A partial whose header is torn, or sealed with a key the node no longer holds, or kept by
 * an older version in plaintext, counts as nothing held: the transfer starts again.
 */
export class SealedPartials implements PartialFiles {
  private readonly folder: string;

  constructor(
    dir: string,
    private readonly keys: () => DataKeyring,
    /** Seals whole plaintext into the store under its digest (throws on a digest mismatch). */
    private readonly place: (sha256: string, body: ReadableStream<Uint8Array>) => Promise<void>,
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
      const head = Buffer.alloc(Math.min(size, MAGIC.length + 1 + 255 + IV_BYTES));
      await file.read(head, 0, head.length, 0);
      if (head.length < MAGIC.length + 1 || !head.subarray(0, MAGIC.length).equals(MAGIC))
        return undefined;
      const idLength = head[MAGIC.length]!;
      const length = MAGIC.length + 1 + idLength + IV_BYTES;
      if (head.length < length) return undefined;
      const keyId = head.subarray(MAGIC.length + 1, MAGIC.length + 1 + idLength).toString("ascii");
      if (!this.keys().key(keyId)) return undefined;
      return { keyId, iv: head.subarray(length - IV_BYTES, length), length, held: size - length };
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
    let file: FileHandle;
    let header: Header;
    if (offset === 0) {
      const ring = this.keys();
      header = { keyId: ring.currentId, iv: randomBytes(IV_BYTES), length: 0 };
      const id = Buffer.from(header.keyId, "ascii");
      const bytes = Buffer.concat([MAGIC, Buffer.from([id.length]), id, header.iv]);
      header.length = bytes.length;
      file = await open(path, "w", 0o600);
      await file.write(bytes, 0, bytes.length, 0);
    } else {
      const found = await this.header(key);
      if (found?.held !== offset)
        throw new RangeError(`${key} holds ${found?.held ?? 0} bytes, not ${offset}`);
      header = found;
      file = await open(path, "r+", 0o600);
    }
    const cipher = cipherAt(partialKey(this.keys().key(header.keyId)!), header.iv, offset);
    let at = header.length + offset;
    return {
      write: async (chunk) => {
        const sealed = cipher.update(chunk);
        await file.write(sealed, 0, sealed.byteLength, at);
        at += sealed.byteLength;
      },
      close: async () => {
        await file.sync().catch(() => undefined);
        await file.close();
      },
    };
  }

  /** The plaintext of a partial, streamed. */
  private plaintext(key: string, header: Header): ReadableStream<Uint8Array> {
    const cipher = cipherAt(partialKey(this.keys().key(header.keyId)!), header.iv, 0);
    const path = this.path(key);
    const chunks = (async function* () {
      for await (const c of createReadStream(path, { start: header.length }))
        yield new Uint8Array(cipher.update(c as Buffer));
    })();
    return Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>;
  }

  async promote(key: string, sha256: string, digest?: string): Promise<boolean> {
    const header = await this.header(key);
    if (!header || (digest !== undefined && digest !== sha256)) {
      await this.discard(key);
      return false;
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

  async discard(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
