import { resolve } from "node:path";
import { countLines, type BackupCounts } from "../backup-format.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { writeBackup } from "../backup-write.js";
import type { Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { exists } from "../node-dir.js";

export const backupCommand: Command = {
  path: ["backup"],
  summary: "write a consistent backup of the node, running or stopped",
  usage: `Usage: frx-node backup --dir DIR --out FILE [--include-keys]

Writes everything the node in DIR stores, from one snapshot of its store (every sublevel's
keys and values, and the attachment files), to FILE as JSON lines (mode 0600; refuses to overwrite), sealed with the
node's signature over every line, which restore checks against the node's keys. The backup
holds case data: keep it as safe as the node. ${BOTH_WAYS} (A running node writes FILE
itself, so FILE is a path on the node's machine.)

  --dir DIR         the node's data folder
  --out FILE        where to write the backup
  --include-keys    also include node-keys.json; by default the node's secret keys are left
                    out and must be kept (and restored) apart
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    dir: { kind: "string", required: true },
    out: { kind: "string", required: true },
    "include-keys": { kind: "boolean" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const out = resolve(flags.string("out"));
    if (await exists(out)) throw new CliError(`${out} exists; refusing to overwrite it`);
    const includeKeys = flags.bool("include-keys");
    const dir = resolve(flags.string("dir"));
    const { node, counts } = await runOperation<{ node: string; counts: BackupCounts }>(
      dir,
      io,
      "backup",
      { out, includeKeys },
      flags.optional("operator-key"),
      async (n) => ({
        node: n.ctx.config.node,
        counts: await writeBackup(n, dir, out, includeKeys),
      }),
    );
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
