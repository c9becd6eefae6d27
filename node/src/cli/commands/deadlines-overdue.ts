import { printable, terminalJson } from "../../config/text.js";
import type { DeadlineRecord } from "../../store/records.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";

export const deadlinesOverdueCommand: Command = {
  path: ["deadlines", "overdue"],
  summary: "list deadlines past due and not yet met",
  usage: `Usage: frx-node deadlines overdue --dir DIR [--json]

Lists the deadlines past due and not yet met, oldest first: the referral or investigation,
the case, what is due, when, and its stage (reminded, overdue, expired). ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --json                print them as JSON
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const due = await runOperation<DeadlineRecord[]>(
      flags.string("dir"),
      io,
      "deadlines.overdue",
      {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(terminalJson(due)));
    else if (due.length === 0) io.stdout(lines("no deadline is overdue"));
    else
      io.stdout(
        lines(
          ...due.map((d) =>
            printable(
              `${d.dueAt}  ${d.stage}  ${d.machine} ${d.subject}  ${d.kind}  case ${d.case}`,
            ),
          ),
        ),
      );
    return 0;
  },
};
