import { printable, terminalJson } from "../../config/text.js";
import type { agencyView } from "../../admin/operations-agencies.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";

type Agency = ReturnType<typeof agencyView>;

/** One table row; every cell printable, so a stored name cannot drive the operator's terminal. */
function row(p: Agency): string[] {
  const current = p.keys.filter((k) => k.status === "current").map((k) => k.kid);
  return [p.id, p.status, p.roles.join(","), p.orgType, current.join(",") || "-", p.name].map(
    printable,
  );
}

export const agencyListCommand: Command = {
  path: ["agency", "list"],
  summary: "list the agencies registered at this node",
  usage: `Usage: frx-node agency list --dir DIR [--json]

Lists the agencies registered at the node in DIR: id, status, roles, org type, current
key id and name. ${BOTH_WAYS}

  --dir DIR                the node's data folder
  --json                   print the full records (keys with their status) as a JSON array
  --operator-key FILE      the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const list = await runOperation<Agency[]>(
      flags.string("dir"),
      io,
      "agency.list",
      {},
      flags.optional("operator-key"),
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
