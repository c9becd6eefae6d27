import type { AuditReport } from "../../domain/audit.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { field, lines, type Io } from "../io.js";

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

Walks the node's whole audit log: every entry's hash and link to the previous one,
and every checkpoint's signature by the node's key. Prints "ok" and exits 0, or names the
first broken entry and exits 1. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --json                print the report as JSON ({ok, entries, checkpoints, firstBroken?})
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const { kid, ...report } = await runOperation<AuditReport & { kid: string }>(
      flags.string("dir"),
      io,
      "audit.verify",
      {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(JSON.stringify(report, null, 2)));
    else printAuditReport(io, report, kid);
    return report.ok ? 0 : 1;
  },
};
