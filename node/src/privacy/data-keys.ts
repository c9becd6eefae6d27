import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * The node's data keys (FRX-DP-001): AES-256 keys that encrypt person-level content at rest.
 * Every ciphertext names the id of the key that made it, so a rotation leaves old records
 * readable until the re-encrypt job has moved them to the current key.
 */
export interface DataKeyring {
  /** The id of the key new ciphertexts are made with. */
  readonly currentId: string;
  /** A key by id (32 bytes), or undefined when this node does not hold it. */
  key(id: string): Buffer | undefined;
  /** Every key id held, current first. */
  ids(): string[];
}

/**
 * Where the keyring comes from. A key file (below) is the default; an external key service
 * (an HSM or a cloud KMS that unwraps data keys) implements the same interface, so the node
 * never sees where keys are kept, only the keys it needs to read and write.
 */
export interface DataKeySource {
  load(): Promise<DataKeyring>;
  /** Adds a new current key and keeps the old ones for reading; returns the new ring. */
  rotate(now: Date): Promise<DataKeyring>;
  /** Drops a key that no ciphertext uses any more (the caller checks that). */
  retire(id: string): Promise<DataKeyring>;
}

export interface DataKeyFile {
  frx: "data-keys/1";
  current: string;
  keys: Array<{ id: string; key: string; createdAt: string }>;
}

const KEY_ID = /^dk-[0-9a-z-]{1,60}$/;

/** A keyring held in memory (built from a key file's contents, or for tests). */
export class StaticKeyring implements DataKeyring {
  private readonly keys: Map<string, Buffer>;
  constructor(
    readonly currentId: string,
    keys: Map<string, Buffer>,
  ) {
    this.keys = keys;
    if (!keys.has(currentId)) throw new Error(`data key ${currentId} (current) is not in the ring`);
    for (const [id, k] of keys) {
      if (!KEY_ID.test(id)) throw new Error(`data key id ${JSON.stringify(id)} is malformed`);
      if (k.length !== 32) throw new Error(`data key ${id} is not 32 bytes (AES-256)`);
    }
  }
  key(id: string): Buffer | undefined {
    return this.keys.get(id);
  }
  ids(): string[] {
    return [this.currentId, ...[...this.keys.keys()].filter((k) => k !== this.currentId)];
  }
}

export function newKeyId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `dk-${day}-${randomBytes(4).toString("hex")}`;
}

/** A fresh ring of one random key, for tests and for `init`. */
export function generateKeyring(now: Date = new Date()): StaticKeyring {
  const id = newKeyId(now);
  return new StaticKeyring(id, new Map([[id, randomBytes(32)]]));
}

export function keyFileOf(ring: DataKeyring, createdAt: Date): DataKeyFile {
  return {
    frx: "data-keys/1",
    current: ring.currentId,
    keys: ring.ids().map((id) => ({
      id,
      key: ring.key(id)!.toString("base64url"),
      createdAt: createdAt.toISOString(),
    })),
  };
}

function parseKeyFile(path: string, text: string): { file: DataKeyFile; ring: StaticKeyring } {
  let file: DataKeyFile;
  try {
    file = JSON.parse(text) as DataKeyFile;
  } catch {
    throw new Error(`data key file ${path} is not JSON`);
  }
  if (file?.frx !== "data-keys/1" || !Array.isArray(file.keys) || typeof file.current !== "string")
    throw new Error(`data key file ${path} is not a data-keys/1 file`);
  const keys = new Map<string, Buffer>();
  for (const k of file.keys) {
    if (typeof k?.id !== "string" || typeof k.key !== "string")
      throw new Error(`data key file ${path} has a malformed key entry`);
    keys.set(k.id, Buffer.from(k.key, "base64url"));
  }
  try {
    return { file, ring: new StaticKeyring(file.current, keys) };
  } catch (error) {
    throw new Error(`data key file ${path}: ${(error as Error).message}`);
  }
}

/**
 * The data keys in one JSON file with mode 0600, kept outside the store (so a copy of the
 * store or of a backup holds ciphertext only). A missing file, a file others can read, or a
 * malformed key stops the node at startup; nothing falls back to plaintext.
 */
/** The key file `frx-node init` creates in the node folder (config.dataKeyFile names it). */
export const DATA_KEY_FILE = "data-keys.json";

export class FileKeySource implements DataKeySource {
  constructor(readonly path: string) {}

  async load(): Promise<StaticKeyring> {
    const info = await stat(this.path).catch(() => undefined);
    if (!info)
      throw new Error(
        `data key file ${this.path} is missing: the node cannot read or write person-level content without it (frx-node init creates one; see docs/data-protection.md on losing the key)`,
      );
    if ((info.mode & 0o077) !== 0)
      throw new Error(
        `data key file ${this.path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    return parseKeyFile(this.path, await readFile(this.path, "utf8")).ring;
  }

  /** Writes a new key file; refuses to overwrite one (a lost key loses the data it encrypted). */
  static async create(path: string, now: Date): Promise<StaticKeyring> {
    const ring = generateKeyring(now);
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(keyFileOf(ring, now), null, 2) + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    return ring;
  }

  async rotate(now: Date): Promise<StaticKeyring> {
    const { file } = parseKeyFile(this.path, await readFile(this.path, "utf8"));
    const id = newKeyId(now);
    const next: DataKeyFile = {
      ...file,
      current: id,
      keys: [
        { id, key: randomBytes(32).toString("base64url"), createdAt: now.toISOString() },
        ...file.keys,
      ],
    };
    await this.write(next);
    return parseKeyFile(this.path, JSON.stringify(next)).ring;
  }

  async retire(id: string): Promise<StaticKeyring> {
    const { file } = parseKeyFile(this.path, await readFile(this.path, "utf8"));
    if (id === file.current) throw new Error(`data key ${id} is the current key`);
    const next: DataKeyFile = { ...file, keys: file.keys.filter((k) => k.id !== id) };
    await this.write(next);
    return parseKeyFile(this.path, JSON.stringify(next)).ring;
  }

  /** Atomically: a new file beside the old one, synced, renamed over it. */
  private async write(file: DataKeyFile): Promise<void> {
    const tmp = join(dirname(this.path), `.data-keys-${randomBytes(6).toString("hex")}`);
    const handle = await open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(file, null, 2) + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
  }
}

/** A keyring kept in memory only (tests, or a key service's unwrapped keys); rotation stays in memory. */
export class MemoryKeySource implements DataKeySource {
  constructor(private ring: StaticKeyring = generateKeyring()) {}
  load(): Promise<StaticKeyring> {
    return Promise.resolve(this.ring);
  }
  rotate(now: Date): Promise<StaticKeyring> {
    const id = newKeyId(now);
    const keys = new Map(this.ring.ids().map((k) => [k, this.ring.key(k)!]));
    keys.set(id, randomBytes(32));
    this.ring = new StaticKeyring(id, keys);
    return Promise.resolve(this.ring);
  }
  retire(id: string): Promise<StaticKeyring> {
    if (id === this.ring.currentId) throw new Error(`data key ${id} is the current key`);
    const keys = new Map(
      this.ring
        .ids()
        .filter((k) => k !== id)
        .map((k) => [k, this.ring.key(k)!]),
    );
    this.ring = new StaticKeyring(this.ring.currentId, keys);
    return Promise.resolve(this.ring);
  }
}

/**
 * For tools that build node folders without `frx-node init` (the demo, the soak, benchmarks):
 * creates `<dir>/data-keys.json` once, keeps an existing one, and points the config at it.
 */
export async function provideKeyFile(dir: string, config: { dataKeyFile?: string }): Promise<void> {
  config.dataKeyFile = DATA_KEY_FILE;
  // A fresh node's folder does not exist yet: createNode would make it, after this.
  await mkdir(dir, { recursive: true });
  await FileKeySource.create(join(dir, DATA_KEY_FILE), new Date()).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    },
  );
}
