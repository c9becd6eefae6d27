import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AbstractSnapshot } from "abstract-level";
import { nodePublicKeys, nodeSigner, type NodeKeys } from "../config/keys.js";
import type { NodeConfig } from "../config/config.js";
import type { FrxNode } from "../node.js";
import { AGGREGATES } from "../store/db.js";
import { LevelStore } from "../store/store.js";
import { listAttachments } from "./attachment-files.js";
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  CHUNK_BYTES,
  LineWriter,
  type BackupCounts,
} from "./backup-format.js";
import { CliError } from "./io.js";

async function count(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

/** Counts every sublevel, and refuses a store holding keys outside them (they would be lost). */
async function countStore(
  store: LevelStore,
  snapshot: AbstractSnapshot,
): Promise<Record<string, number>> {
  const sublevels: Record<string, number> = {};
  for (const name of AGGREGATES) sublevels[name] = await count(store.sub(name).keys({ snapshot }));
  const inSublevels = Object.values(sublevels).reduce((a, b) => a + b, 0);
  const total = await count(store.db.keys({ snapshot }));
  if (total !== inSublevels)
    throw new CliError(
      `the store holds ${total - inSublevels} keys outside the known sublevels; this frx-node cannot back them up`,
    );
  return sublevels;
}

/**
 * Writes the node's backup to `out` from one snapshot of its store, taken in the node's one
 * queue once every acknowledged write is on disk: consistent whether the node runs or not.
 * Attachment files are content-addressed and never change, so listing them after the
 * snapshot can only add files no record names yet.
 */
export async function writeBackup(
  n: FrxNode,
  dir: string,
  out: string,
  includeKeys: boolean,
): Promise<BackupCounts> {
  const store = n.ctx.store;
  if (!(store instanceof LevelStore))
    throw new CliError(
      "frx-node backup reads the embedded level store; a node on PostgreSQL is backed up with pg_dump or pg_basebackup (docs/operator-guide.md, high availability)",
    );
  const snapshot = await n.ctx.serial.run(async () => {
    await store.commit([]);
    return store.db.snapshot();
  });
  try {
    const files = await listAttachments(dir);
    const counts: BackupCounts = {
      sublevels: await countStore(store, snapshot),
      attachments: files.length,
      attachmentBytes: files.reduce((sum, f) => sum + f.size, 0),
    };
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as NodeConfig;
    const keys = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    const tmp = `${out}.partial-${randomBytes(4).toString("hex")}`;
    const handle = await open(tmp, "wx", 0o600);
    try {
      const writer = new LineWriter(handle);
      await writer.write({
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        node: n.ctx.config.node,
        createdAt: new Date().toISOString(),
        counts,
        config,
        publicKeys: nodePublicKeys(keys),
        keysIncluded: includeKeys,
        ...(includeKeys ? { keys } : {}),
      });
      for (const sub of AGGREGATES)
        for await (const [key, value] of store.sub(sub).iterator({ snapshot }))
          await writer.write({ t: "kv", sub, key, value: value as unknown });
      for (const file of files) {
        await writer.write({ t: "file", sha256: file.sha256, size: file.size });
        const stream = createReadStream(file.path, { highWaterMark: CHUNK_BYTES });
        for await (const chunk of stream as AsyncIterable<Buffer>)
          await writer.write({ t: "chunk", sha256: file.sha256, data: chunk.toString("base64") });
      }
      await writer.write(writer.digest.seal(nodeSigner(keys)));
      await writer.flush();
      await handle.sync();
      await handle.close();
      await rename(tmp, out);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw error;
    }
    return counts;
  } finally {
    await snapshot.close();
  }
}
