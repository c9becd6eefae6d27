import type { agencyView } from "../../admin/operations-agencies.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { codeList } from "../code-lists.js";
import type { Command } from "../command.js";
import { lines, UsageError } from "../io.js";
import { MANDATE_USAGE, readMandateFile } from "../mandate-file.js";

export const agencyUpdateCommand: Command = {
  path: ["agency", "update"],
  summary: "change an agency's name, powers, accepted types or mandate",
  usage: `Usage: frx-node agency update --dir DIR --id CC:CODE [--name NAME] [--powers P1,P2]
                              [--accepts T1,T2] [--mandate FILE]

Changes an agency registered at the node in DIR, with an audit entry; what is not given stays.
Its id, roles and organisation type do not change (that is a new registration). A sanction
regime its powers do not allow is refused (FRX-FED-086).
${BOTH_WAYS}

  --dir DIR                 the node's data folder
  --id CC:CODE              the agency's id, e.g. TH:DOE
  --name NAME               its new name
  --powers P1,P2            its legal powers, replacing the list
  --accepts T1,T2           the message types it accepts, replacing the list
${MANDATE_USAGE}
  --operator-key FILE       the operator key for a running node
`,
  flags: {
    dir: { kind: "string", required: true },
    id: { kind: "string", required: true },
    name: { kind: "string" },
    powers: { kind: "string" },
    accepts: { kind: "string" },
    mandate: { kind: "string" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const input: Record<string, unknown> = { id: flags.string("id") };
    const name = flags.optional("name");
    if (name !== undefined) input.name = name;
    for (const [flag, member, list] of [
      ["powers", "powers", "power"],
      ["accepts", "acceptedTypes", "message-type"],
    ] as const) {
      const values = flags.list(flag);
      if (values === undefined) continue;
      const allowed = codeList(list);
      const bad = values.find((v) => !allowed.includes(v));
      if (bad !== undefined)
        throw new UsageError(`--${flag} must be from ${allowed.join(", ")}; ${bad} is not`);
      input[member] = values;
    }
    const mandate = flags.optional("mandate");
    if (mandate) Object.assign(input, await readMandateFile(mandate));
    if (Object.keys(input).length === 1)
      throw new UsageError("nothing to change: give --name, --powers, --accepts or --mandate");
    const record = await runOperation<ReturnType<typeof agencyView>>(
      flags.string("dir"),
      io,
      "agency.update",
      input,
      flags.optional("operator-key"),
    );
    io.stdout(
      lines(
        `updated ${record.id}: powers ${record.powers.join(", ") || "(none)"}`,
        `  sanction regimes: ${(record.sanctionRegimes ?? []).map((r) => r.kind).join(", ") || "(none)"}`,
        ...(record.procedures ? ["  procedures: published with the directory"] : []),
      ),
    );
    return 0;
  },
};
