import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { nodePublicKeys } from "../../config/keys.js";
import { verifyAudit, type Anchor } from "../../domain/audit.js";
import { ANCHOR_FILE, readAnchor } from "../../domain/audit-anchor.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { exists, withOfflineNode } from "../node-dir.js";

export const auditCheckpointCommand: Command = {
  path: ["audit", "checkpoint"],
  summary: "sign a checkpoint of the verified audit chain and export it as an anchor",
  usage: `Usage: frx-node audit checkpoint --dir DIR --out FILE

Verifies the stopped node's audit chain and stored records (as audit verify does), then signs
a checkpoint of its newest entry with the node's key, stores it, and writes it to FILE. Keep
FILE where whoever can edit the node's folder cannot (another machine, write-once storage):
audit verify --anchor FILE then detects a tail cut, re-chained or lost up to that entry.
Refuses, and writes nothing, when the chain does not verify.

  --dir DIR    the node's data folder
  --out FILE   where to write the checkpoint ({seq, hash, at, jws})
`,
  flags: { ...DIR_FLAG, out: { kind: "string", required: true } },
  async run(flags, io) {
    // The node's own anchor holds the chain to what it last signed, as audit verify does.
    const own = join(resolve(flags.string("dir")), ANCHOR_FILE);
    const previous = (await exists(own)) ? readAnchor(own) : undefined;
    const anchor = await withOfflineNode(flags.string("dir"), io, async (node) => {
      const key = nodePublicKeys(node.ctx.keys).signing;
      const keys = [key, ...(node.ctx.keys.retired ?? [])];
      const report = await verifyAudit(node.ctx.store, keys, previous);
      if (!report.ok)
        throw new CliError(
          `the audit log does not verify (${report.code}: ${report.firstBroken?.record ?? `seq ${report.firstBroken?.seq}`}: ${report.firstBroken?.reason}); nothing was anchored`,
        );
      if (report.entries === 0) throw new CliError("the audit log is empty; nothing to anchor");
      const op = node.ctx.audit.checkpointOp(node.ctx.clock.now().toISOString());
      await node.ctx.store.commit([op]);
      return op.type === "put" ? (op.value as Anchor) : undefined;
    });
    if (!anchor) throw new TypeError("a checkpoint op is a put");
    await writeFile(flags.string("out"), JSON.stringify(anchor, null, 2) + "\n");
    io.stdout(
      lines(
        field("anchored", `entry ${anchor.seq} (${anchor.hash})`),
        field("written", flags.string("out")),
      ),
    );
    return 0;
  },
};
