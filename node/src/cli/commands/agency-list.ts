import { printable, terminalJson } from "../../config/text.js";
import type { ParticipantRecord } from "../../store/records.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";
import { withOfflineNode } from "../node-dir.js";

/** One table row; every cell printable, so a stored name cannot drive the operator's terminal. */
function row(p: ParticipantRecord): string[] {
  const current = p.keys.filter((k) => !k.retiredAt).map((k) => k.kid);
  return [p.id, p.status, p.roles.join(","), p.orgType, current.join(",") || "-", p.name].map(
    printable,
  );
}

export const agencyListCommand: Command = {
  path: ["agency", "list"],
  summary: "list the agencies registered at this node",
  usage: `Usage: frx-node agency list --dir DIR [--json]

Lists the agencies registered at the stopped node in DIR: id, status, roles, org type,
current key id and name.

  --dir DIR   the node's data folder
  --json      print the full records as a JSON array
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" } },
  async run(flags, io) {
    const list = await withOfflineNode(flags.string("dir"), io, (node) =>
      node.ctx.directory.list(),
    );
    if (flags.bool("json")) {
      io.stdout(lines(terminalJson(list)));
      return 0;
    }
    if (list.length === 0) {
      io.stdout(lines("no agencies registered (add one with frx-node agency add)"));
      return 0;
    }
    const rows = [["ID", "STATUS", "ROLES", "ORG TYPE", "KEY", "NAME"], ...list.map(row)];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    io.stdout(
      lines(
        ...rows.map((r) =>
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join("  ")
            .trimEnd(),
        ),
      ),
    );
    return 0;
  },
};
