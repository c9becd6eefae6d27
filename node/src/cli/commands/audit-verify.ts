import { nodePublicKeys } from "../../config/keys.js";
import { verifyAudit, type AuditReport } from "../../domain/audit.js";
import { DIR_FLAG, type Command } from "../command.js";
import { field, lines, type Io } from "../io.js";
import { withOfflineNode } from "../node-dir.js";

/** Prints an audit report for people; shared with restore. */
export function printAuditReport(io: Io, report: AuditReport, kid: string): void {
  io.stdout(
    lines(
      field("audit entries", report.entries),
      field("checkpoints", `${report.checkpoints} (node key ${kid})`),
      report.ok ? "ok" : `broken at seq ${report.firstBroken!.seq}: ${report.firstBroken!.reason}`,
    ),
  );
}

export const auditVerifyCommand: Command = {
  path: ["audit", "verify"],
  summary: "check the audit hash chain and its signed checkpoints",
  usage: `Usage: frx-node audit verify --dir DIR [--json]

Walks the stopped node's whole audit log: every entry's hash and link to the previous one,
and every checkpoint's signature by the node's key. Prints "ok" and exits 0, or names the
first broken entry and exits 1.

  --dir DIR   the node's data folder
  --json      print the report as JSON ({ok, entries, checkpoints, firstBroken?})
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" } },
  async run(flags, io) {
    const { report, kid } = await withOfflineNode(flags.string("dir"), io, async (node) => {
      const key = nodePublicKeys(node.ctx.keys).signing;
      // Checkpoints signed before a node key rotation verify with the retired key.
      const keys = [key, ...(node.ctx.keys.retired ?? [])];
      return { report: await verifyAudit(node.ctx.store, keys), kid: key.kid! };
    });
    if (flags.bool("json")) io.stdout(lines(JSON.stringify(report, null, 2)));
    else printAuditReport(io, report, kid);
    return report.ok ? 0 : 1;
  },
};
