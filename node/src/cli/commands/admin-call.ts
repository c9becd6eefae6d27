import { terminalJson } from "../../config/text.js";
import { ADMIN_OPERATIONS } from "../../admin/api.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import type { Command } from "../command.js";
import { CliError, lines, UsageError } from "../io.js";
import { readJsonFile } from "../trust-files.js";

/** The operation names, wrapped for the usage text. */
function names(): string {
  const out: string[] = [];
  let line = " ";
  for (const name of ADMIN_OPERATIONS.map((o) => o.name)) {
    if (line.length + name.length > 90) {
      out.push(line);
      line = " ";
    }
    line += ` ${name}`;
  }
  return [...out, line].join("\n");
}

export const adminCallCommand: Command = {
  path: ["admin", "call"],
  summary: "run one admin operation with its input from a JSON file and print the result as JSON",
  usage: `Usage: frx-node admin call --dir DIR --operation NAME [--in FILE]

Runs the admin operation NAME with the members of the JSON object in FILE as its input (the
request body of the admin API, with the ids of its path, e.g. {"id": "TH:DOE", ...}) and prints
what it answers as JSON. A refusal is printed with its code in parentheses (exit 1). For
scripts (the conformance kit's operator steps); the other commands are the same operations with
flags. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --operation NAME      one of:
${names()}
  --in FILE             the input, a JSON object (default: none)
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    dir: { kind: "string", required: true },
    operation: { kind: "string", required: true },
    in: { kind: "string" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const name = flags.string("operation");
    if (!ADMIN_OPERATIONS.some((o) => o.name === name))
      throw new UsageError(`--operation must be an admin operation, not ${name}`);
    const file = flags.optional("in");
    const input = file === undefined ? {} : await readJsonFile(file, "an operation's input");
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw new CliError(`${file} does not hold a JSON object`);
    const result = await runOperation<unknown>(
      flags.string("dir"),
      io,
      name,
      input as Record<string, unknown>,
      flags.optional("operator-key"),
    );
    io.stdout(lines(terminalJson(result ?? null)));
    return 0;
  },
};
