import { setParticipantStatus } from "../../admin/participants.js";
import type { Command } from "../command.js";
import { lines } from "../io.js";
import { withOfflineNode } from "../node-dir.js";

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

Marks the agency ${status} at the stopped node in DIR (${effect}), with an audit entry.

  --dir DIR   the node's data folder
  --id ID     the agency's id, e.g. TH:DOE
`,
    flags: { dir: { kind: "string", required: true }, id: { kind: "string", required: true } },
    async run(flags, io) {
      const id = flags.string("id");
      const changed = await withOfflineNode(flags.string("dir"), io, async (node) => {
        // An unchanged status writes nothing, so repeating a command leaves no audit noise.
        if ((await node.ctx.directory.get(id))?.status === status) return false;
        await setParticipantStatus(node.ctx, id, status);
        return true;
      });
      io.stdout(lines(changed ? `${id} ${status}: ${effect}` : `${id} is already ${status}`));
      return 0;
    },
  };
}

export const agencyEnableCommand = statusCommand("active");
export const agencyDisableCommand = statusCommand("disabled");
