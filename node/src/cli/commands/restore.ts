import { createReadStream } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { writeConfig } from "../../config/config.js";
import { publicJwkOf } from "@frx/spec";
import { nodePublicKeys, writeNodeKeys, type NodeKeys } from "../../config/keys.js";
import { verifyAudit } from "../../domain/audit.js";
import { TrustState } from "../../federation/trust-state.js";
import { systemClock } from "../../runtime/clock.js";
import { memoryLogger } from "../../runtime/logger.js";
import { openLevel } from "../../store/db.js";
import { LevelStore } from "../../store/store.js";
import { attachmentsDir } from "../attachment-files.js";
import {
  countLines,
  parseHeader,
  type BackupCounts,
  type BackupHeader,
  type BackupRecord,
} from "../backup-format.js";
import { LineDigest, type BackupSeal } from "../backup-seal.js";
import type { Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { exists } from "../node-dir.js";
import { RestoreSink } from "../restore-sink.js";
import { printAuditReport } from "./audit-verify.js";

const RESTORED = ["store", "attachments", "config.json", "node-keys.json"];

/**
 * The node keys to write and to check the seal with: from --keys, else from the backup; either
 * must be the backup's node. A backup without keys is checked against nothing but --keys.
 */
async function chooseKeys(header: BackupHeader, file: string | undefined): Promise<NodeKeys> {
  const keys = file ? (JSON.parse(await readFile(file, "utf8")) as NodeKeys) : header.keys;
  if (!keys)
    throw new CliError(
      "the backup does not include the node keys: give --keys FILE (the node's node-keys.json), whose key its seal is checked against",
    );
  if (nodePublicKeys(keys).signing.x !== header.publicKeys.signing.x)
    throw new CliError(
      `${file ?? "the backup's node-keys"} is not the key of node ${header.node} (kid ${header.publicKeys.signing.kid})`,
    );
  return keys;
}

function checkCounts(expected: BackupCounts, found: BackupCounts, from: string): void {
  const pairs: Array<[string, number, number]> = [
    ...Object.entries(expected.sublevels).map(([name, n]): [string, number, number] => [
      `${name} keys`,
      n,
      found.sublevels[name] ?? 0,
    ]),
    ["attachments", expected.attachments, found.attachments],
    ["attachment bytes", expected.attachmentBytes, found.attachmentBytes],
  ];
  const wrong = pairs.find(([, want, got]) => want !== got);
  if (wrong)
    throw new CliError(
      `${from} is truncated or altered: its header promises ${wrong[1]} ${wrong[0]}, it holds ${wrong[2]}`,
    );
}

function parseRecord(line: string, where: string): BackupRecord {
  try {
    return JSON.parse(line) as BackupRecord;
  } catch {
    throw new CliError(`${where} is not JSON`);
  }
}

export const restoreCommand: Command = {
  path: ["restore"],
  summary: "recreate a node from a backup, into a new or empty folder",
  usage: `Usage: frx-node restore --dir DIR --from FILE [--keys FILE]

Recreates the store, the attachments and config.json from a backup into DIR, which must be
new or empty, then verifies the audit chain (exit 1 if it is broken). The backup's seal must
verify against the node's signing key, from --keys or (backup --include-keys) the backup: an
edited, truncated or re-signed backup is refused and nothing is left in DIR. node-keys.json
is restored from the same place.

  --dir DIR      the new node's data folder (new or empty)
  --from FILE    the backup written by frx-node backup
  --keys FILE    the node's node-keys.json, kept apart from a backup made without keys
                 (required for such a backup)
`,
  flags: {
    dir: { kind: "string", required: true },
    from: { kind: "string", required: true },
    keys: { kind: "string" },
  },
  async run(flags, io) {
    const dir = resolve(flags.string("dir"));
    const from = resolve(flags.string("from"));
    const present = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    if (present.length > 0)
      throw new CliError(`${dir} is not empty; restore only into a new or empty folder`);
    if (!(await exists(from))) throw new CliError(`${from} does not exist`);
    const input = createInterface({ input: createReadStream(from, "utf8"), crlfDelay: Infinity });
    const lineIterator = input[Symbol.asyncIterator]();
    try {
      const first = await lineIterator.next();
      const header = parseHeader(first.done ? undefined : first.value, from);
      const keys = await chooseKeys(header, flags.optional("keys"));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const store = new LevelStore(openLevel(join(dir, "store")));
      try {
        await store.open();
        const sink = new RestoreSink(store, attachmentsDir(dir));
        const digest = new LineDigest();
        digest.add(first.done ? "" : first.value);
        let seal: BackupSeal | undefined;
        try {
          for (let n = 2; ; n++) {
            const next = await lineIterator.next();
            if (next.done) break;
            if (next.value === "") continue;
            const where = `${from}:${n}`;
            if (seal) throw new CliError(`${where}: a line after the seal`);
            const record = parseRecord(next.value, where);
            if (record.t === "seal") seal = record;
            else {
              digest.add(next.value);
              await sink.add(record, where);
            }
          }
          await sink.finish();
        } finally {
          await sink.abort();
        }
        if (!seal) throw new CliError(`${from} is truncated or altered: it ends without its seal`);
        digest.check(seal, publicJwkOf(keys.signing), from);
        checkCounts(header.counts, sink.counts, from);
        // The trust list in force must give this node these keys (FRX-TRUST-029): a backup
        // re-sealed with another node's keys, and restored with them, is not this node.
        await new TrustState(
          store,
          systemClock,
          () => header.config.federation?.genesisDigest ?? null,
          memoryLogger(),
          { node: header.node, keys: () => keys, skewSeconds: header.config.skewSeconds ?? 300 },
        ).load();
        await writeConfig(dir, header.config);
        await writeNodeKeys(dir, keys);
        const report = await verifyAudit(store, header.publicKeys.signing);
        await store.close();
        const keysFrom = flags.optional("keys") ?? "the backup";
        io.stdout(
          lines(
            `restored node ${header.node} from ${from} into ${dir}`,
            ...countLines(sink.counts),
            field("node keys", `from ${keysFrom}`),
            field("seal", `verified with key ${header.publicKeys.signing.kid}`),
          ),
        );
        printAuditReport(io, report, header.publicKeys.signing.kid!);
        return report.ok ? 0 : 1;
      } catch (error) {
        await store.close().catch(() => undefined);
        for (const name of RESTORED) await rm(join(dir, name), { recursive: true, force: true });
        throw error;
      }
    } finally {
      input.close();
    }
  },
};
