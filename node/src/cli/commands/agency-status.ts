import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import type { Command } from "../command.js";
import { lines } from "../io.js";

function statusCommand(status: "active" | "disabled"): Command {
  const verb = status === "active" ? "enable" : "disable";
  const effect =
    status === "active"
      ? "it can send and receive again"
      : "it can neither send nor receive; its records stay";
  return {
    path: ["agency", verb],
    summary: `${verb} an agency`,
    usage: `Usage: frx-node agency ${verb} --dir DIR --id ID

Marks the agency ${status} at the node in DIR (${effect}), with an audit entry.
${BOTH_WAYS}

  --dir DIR             the node's data folder
  --id ID               the agency's id, e.g. TH:DOE
  --operator-key FILE   the operator key for a running node
`,
    flags: {
      dir: { kind: "string", required: true },
      id: { kind: "string", required: true },
      ...OPERATOR_KEY_FLAG,
    },
    async run(flags, io) {
      const id = flags.string("id");
      const dir = flags.string("dir");
      const key = flags.optional("operator-key");
      // An unchanged status writes nothing, so repeating a command leaves no audit noise.
      const list = await runOperation<Array<{ id: string; status: string }>>(
        dir,
        io,
        "agency.list",
        {},
        key,
      );
      const changed = list.find((a) => a.id === id)?.status !== status;
      if (changed) await runOperation(dir, io, `agency.${verb}`, { id }, key);
      io.stdout(lines(changed ? `${id} ${status}: ${effect}` : `${id} is already ${status}`));
      return 0;
    },
  };
}

export const agencyEnableCommand = statusCommand("active");
export const agencyDisableCommand = statusCommand("disabled");
