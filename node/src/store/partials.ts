import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { PartialFiles, PartialWriter } from "./attachments.js";
import { syncDir } from "./sync-dir.js";

const KEY = /^[A-Z]{2}-[0-9a-f]{64}$/;

function checked(key: string): string {
  if (!KEY.test(key)) throw new TypeError(`not a partial file key: ${key}`);
  return key;
}

/** Partial files under `<dir>/.partial/`, which backups leave out (their names are no digests). */
export class FilePartials implements PartialFiles {
  private readonly folder: string;

  /**
   * `place` moves a whole, checked file into the store under its digest (by default a rename;
   * a store that seals its files at rest passes one that encrypts it on the way).
   */
  constructor(
    dir: string,
    private readonly place: (path: string, sha256: string) => Promise<void> = async (
      path,
      sha256,
    ) => {
      await rename(path, join(dir, sha256));
      await syncDir(dir);
    },
  ) {
    this.folder = join(dir, ".partial");
  }

  async held(key: string): Promise<number> {
    const info = await stat(join(this.folder, checked(key))).catch(() => undefined);
    return info?.size ?? 0;
  }

  async open(key: string, offset: number): Promise<PartialWriter> {
    await mkdir(this.folder, { recursive: true });
    const path = join(this.folder, checked(key));
    const file = await open(path, offset === 0 ? "w" : "r+", 0o600);
    const size = (await file.stat()).size;
    if (size !== offset) {
      await file.close();
      throw new RangeError(`${key} holds ${size} bytes, not ${offset}`);
    }
    let at = offset;
    return {
      write: async (...chunks) => {
        const { bytesWritten } = await file.writev(chunks, at);
        at += bytesWritten;
      },
      close: async () => {
        await file.sync().catch(() => undefined);
        await file.close();
      },
    };
  }

  async promote(key: string, sha256: string, digest?: string): Promise<boolean> {
    const path = join(this.folder, checked(key));
    if (digest === undefined) {
      const hash = createHash("sha256");
      for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
        hash.update(chunk as Buffer);
      digest = hash.digest("hex");
    }
    if (digest !== sha256) {
      await rm(path, { force: true });
      return false;
    }
    await this.place(path, sha256);
    return true;
  }

  async discard(key: string): Promise<void> {
    await rm(join(this.folder, checked(key)), { force: true });
  }
}

/** In memory, for tests; promoted files land in the store's own map. */
export class MemoryPartials implements PartialFiles {
  private readonly files = new Map<string, Buffer[]>();

  constructor(private readonly blobs: Map<string, Uint8Array>) {}

  held(key: string): Promise<number> {
    return Promise.resolve((this.files.get(checked(key)) ?? []).reduce((n, b) => n + b.length, 0));
  }

  async open(key: string, offset: number): Promise<PartialWriter> {
    if ((await this.held(key)) !== offset) throw new RangeError(`${key} does not hold ${offset}`);
    const parts = offset === 0 ? [] : this.files.get(key)!;
    this.files.set(key, parts);
    return {
      write: (...chunks) => {
        for (const chunk of chunks) parts.push(Buffer.from(chunk));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  }

  promote(key: string, sha256: string): Promise<boolean> {
    const all = Buffer.concat(this.files.get(checked(key)) ?? []);
    this.files.delete(key);
    if (createHash("sha256").update(all).digest("hex") !== sha256) return Promise.resolve(false);
    this.blobs.set(sha256, all);
    return Promise.resolve(true);
  }

  discard(key: string): Promise<void> {
    this.files.delete(checked(key));
    return Promise.resolve();
  }
}
