import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { nodePublicKeys, nodeSigner, type NodeKeys } from "../../config/keys.js";
import type { NodeConfig } from "../../config/config.js";
import { AGGREGATES } from "../../store/db.js";
import type { Store } from "../../store/store.js";
import { listAttachments } from "../attachment-files.js";
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  CHUNK_BYTES,
  countLines,
  LineWriter,
  type BackupCounts,
} from "../backup-format.js";
import type { Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { exists, withOfflineNode } from "../node-dir.js";

async function count(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

/** Counts every sublevel, and refuses a store holding keys outside them (they would be lost). */
async function countStore(store: Store): Promise<Record<string, number>> {
  const sublevels: Record<string, number> = {};
  for (const name of AGGREGATES) sublevels[name] = await count(store.sub(name).keys());
  const inSublevels = Object.values(sublevels).reduce((a, b) => a + b, 0);
  const total = await count(store.db.keys());
  if (total !== inSublevels)
    throw new CliError(
      `the store holds ${total - inSublevels} keys outside the known sublevels; this frx-node cannot back them up`,
    );
  return sublevels;
}

export const backupCommand: Command = {
  path: ["backup"],
  summary: "write a consistent offline backup of the node",
  usage: `Usage: frx-node backup --dir DIR --out FILE [--include-keys]

Writes everything the stopped node in DIR stores (every sublevel's keys and values, and the
attachment files) to FILE as JSON lines (mode 0600; refuses to overwrite), sealed with the
node's signature over every line, which restore checks against the node's keys. The backup
holds case data: keep it as safe as the node.

  --dir DIR         the node's data folder
  --out FILE        where to write the backup
  --include-keys    also include node-keys.json; by default the node's secret keys are left
                    out and must be kept (and restored) apart
`,
  flags: {
    dir: { kind: "string", required: true },
    out: { kind: "string", required: true },
    "include-keys": { kind: "boolean" },
  },
  async run(flags, io) {
    const out = resolve(flags.string("out"));
    if (await exists(out)) throw new CliError(`${out} exists; refusing to overwrite it`);
    const includeKeys = flags.bool("include-keys");
    const { node, counts } = await withOfflineNode(flags.string("dir"), io, async (n, dir) => {
      const store = n.ctx.store;
      const files = await listAttachments(dir);
      const counts: BackupCounts = {
        sublevels: await countStore(store),
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
          for await (const [key, value] of store.sub(sub).iterator())
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
      return { node: n.ctx.config.node, counts };
    });
    io.stdout(
      lines(
        `backup of node ${node} written to ${out} (mode 0600)`,
        ...countLines(counts),
        includeKeys
          ? field("node keys", "included (the backup is now as secret as node-keys.json)")
          : field("node keys", "NOT included: keep node-keys.json safe apart (or --include-keys)"),
      ),
    );
    return 0;
  },
};
