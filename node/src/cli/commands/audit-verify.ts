import { join, resolve } from "node:path";
import type { AuditReport } from "../../domain/audit.js";
import { ANCHOR_FILE, readAnchor } from "../../domain/audit-anchor.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, field, lines, type Io } from "../io.js";
import { exists } from "../node-dir.js";

/** Prints an audit report for people; shared with restore. */
export function printAuditReport(io: Io, report: AuditReport, kid: string, anchor?: string): void {
  const broken = report.firstBroken;
  io.stdout(
    lines(
      field("audit entries", report.entries),
      field("checkpoints", `${report.checkpoints} (node key ${kid})`),
      ...(anchor ? [field("anchor", anchor)] : []),
      field(
        "unanchored",
        report.unanchored === 0
          ? "none"
          : `${report.unanchored} entries after entry ${report.anchoredAt} (a cut or re-chained tail there cannot be detected)`,
      ),
      report.ok
        ? "ok"
        : broken!.record
          ? `${report.code}: record ${broken!.record}: ${broken!.reason}`
          : `${report.code}: broken at seq ${broken!.seq ?? "?"}: ${broken!.reason}`,
    ),
  );
}

export const auditVerifyCommand: Command = {
  path: ["audit", "verify"],
  summary: "check the audit chain, its checkpoints, an anchor, and every stored record against it",
  usage: `Usage: frx-node audit verify --dir DIR [--anchor FILE] [--json]

Checks the node's whole audit log: every entry's hash and link to the previous one; every
checkpoint's signature by the node's key; the anchor, a checkpoint kept outside the store,
whose entry the chain must still hold unchanged; and every stored record (messages, cases and
their consent, referrals, inboxes, ...) against the latest hash the chain records for it.
Prints "ok" and exits 0, or names the first failure and exits 1. Entries after the newest
checkpoint or anchor are reported as unanchored. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --anchor FILE         a checkpoint kept elsewhere (from audit checkpoint --out); without it,
                        the node's own DIR/${ANCHOR_FILE}, when there is one
  --json                print the report as JSON
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    ...DIR_FLAG,
    anchor: { kind: "string" },
    json: { kind: "boolean" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const own = join(resolve(flags.string("dir")), ANCHOR_FILE);
    const anchorFile = flags.optional("anchor") ?? ((await exists(own)) ? own : undefined);
    let anchor;
    try {
      anchor = anchorFile ? readAnchor(anchorFile) : undefined;
    } catch (error) {
      throw new CliError(`cannot read the anchor ${anchorFile}: ${(error as Error).message}`);
    }
    const { kid, ...report } = await runOperation<AuditReport & { kid: string }>(
      flags.string("dir"),
      io,
      "audit.verify",
      anchor ? { anchor } : {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(JSON.stringify(report, null, 2)));
    else printAuditReport(io, report, kid, anchorFile);
    return report.ok ? 0 : 1;
  },
};
