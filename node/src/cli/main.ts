#!/usr/bin/env node
import { adminCallCommand } from "./commands/admin-call.js";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isFrxError } from "@frx/spec";
import { parseFlags, wantsHelp } from "./args.js";
import type { Command } from "./command.js";
import { agencyAddCommand } from "./commands/agency-add.js";
import { agencyKeygenCommand } from "./commands/agency-keygen.js";
import { agencyListCommand } from "./commands/agency-list.js";
import { agencyUpdateCommand } from "./commands/agency-update.js";
import { agencyRotateKeyCommand } from "./commands/agency-rotate-key.js";
import { agencyDisableCommand, agencyEnableCommand } from "./commands/agency-status.js";
import { auditCheckpointCommand } from "./commands/audit-checkpoint.js";
import { auditVerifyCommand } from "./commands/audit-verify.js";
import { backupCommand } from "./commands/backup.js";
import { configShowCommand } from "./commands/config-show.js";
import { calendarCheckCommand } from "./commands/calendar-check.js";
import { initCommand } from "./commands/init.js";
import { restoreCommand } from "./commands/restore.js";
import { startCommand } from "./commands/start.js";
import { trustApplyCommand } from "./commands/trust-apply.js";
import { trustDigestCommand } from "./commands/trust-digest.js";
import { trustMemberCommand } from "./commands/trust-member.js";
import { trustProposeCommand } from "./commands/trust-propose.js";
import { trustShowCommand } from "./commands/trust-show.js";
import { trustSignCommand } from "./commands/trust-sign.js";
import { CliError, UsageError, type Io } from "./io.js";
import { agencyRevokeKeyCommand } from "./commands/agency-revoke-key.js";
import {
  deadLettersDiscardCommand,
  deadLettersListCommand,
  deadLettersRetryCommand,
} from "./commands/dead-letters.js";
import { deadlinesOverdueCommand } from "./commands/deadlines-overdue.js";
import { nodePrepareKeyCommand, nodeRotateKeyCommand } from "./commands/node-key.js";
import {
  operatorAddCommand,
  operatorKeygenCommand,
  operatorTokenCommand,
} from "./commands/operator.js";
import { peersCommand } from "./commands/peers.js";
import { PRIVACY_COMMANDS } from "./commands/privacy.js";

export type { Io } from "./io.js";

export const COMMANDS: readonly Command[] = [
  initCommand,
  startCommand,
  agencyAddCommand,
  agencyUpdateCommand,
  agencyListCommand,
  agencyDisableCommand,
  agencyEnableCommand,
  agencyRotateKeyCommand,
  agencyRevokeKeyCommand,
  agencyKeygenCommand,
  operatorKeygenCommand,
  operatorAddCommand,
  operatorTokenCommand,
  peersCommand,
  deadLettersListCommand,
  deadLettersRetryCommand,
  deadLettersDiscardCommand,
  deadlinesOverdueCommand,
  nodePrepareKeyCommand,
  nodeRotateKeyCommand,
  auditVerifyCommand,
  auditCheckpointCommand,
  backupCommand,
  restoreCommand,
  configShowCommand,
  calendarCheckCommand,
  trustMemberCommand,
  trustProposeCommand,
  trustSignCommand,
  trustDigestCommand,
  trustApplyCommand,
  trustShowCommand,
  ...PRIVACY_COMMANDS,
  adminCallCommand,
];

function table(commands: readonly Command[]): string {
  const names = commands.map((c) => c.path.join(" "));
  const width = Math.max(...names.map((n) => n.length));
  return commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}\n`).join("");
}

const OVERVIEW = `Usage: frx-node COMMAND [flags]

Runs and administers an FRX national node. Commands:

${table(COMMANDS)}
Run frx-node COMMAND --help for a command's flags. Exit codes: 0 done, 1 failed, 2 bad usage.
`;

function groupUsage(group: string): string {
  const members = COMMANDS.filter((c) => c.path[0] === group);
  return `Usage: frx-node ${group} SUBCOMMAND [flags]\n\n${table(members)}\nRun frx-node ${group} SUBCOMMAND --help for its flags.\n`;
}

/** Maps a failure to its message and exit code: 2 for bad usage, 1 for anything else. */
function fail(error: unknown, command: Command, io: Io): number {
  const name = `frx-node ${command.path.join(" ")}`;
  if (error instanceof UsageError) {
    io.stderr(`${name}: ${error.message}\n\n${command.usage}`);
    return 2;
  }
  if (isFrxError(error)) io.stderr(`${name}: ${error.message} (${error.code})\n`);
  else if (error instanceof CliError) io.stderr(`${name}: ${error.message}\n`);
  else io.stderr(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

/**
 * Runs one `frx-node` command line and resolves to its exit code; never exits the process.
 *
 * @example const code = await run(["agency", "list", "--dir", dir, "--json"], { stdout, stderr })
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [first, second] = argv;
  if (first === undefined) {
    io.stderr(OVERVIEW);
    return 2;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    io.stdout(OVERVIEW);
    return 0;
  }
  const group = COMMANDS.filter((c) => c.path[0] === first);
  if (group.length === 0) {
    io.stderr(`frx-node: unknown command ${first}\n\n${OVERVIEW}`);
    return 2;
  }
  let command = group.find((c) => c.path.length === 1);
  let rest = argv.slice(1);
  if (!command) {
    command = group.find((c) => c.path[1] === second);
    if (!command) {
      if (second === "--help" || second === "-h") {
        io.stdout(groupUsage(first));
        return 0;
      }
      const problem = second === undefined ? "needs a subcommand" : `has no subcommand ${second}`;
      io.stderr(`frx-node: ${first} ${problem}\n\n${groupUsage(first)}`);
      return 2;
    }
    rest = argv.slice(2);
  }
  if (wantsHelp(rest)) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(parseFlags(rest, command.flags), io);
  } catch (error) {
    return fail(error, command, io);
  }
}

/** True when this file is the process's script (also through npm's bin symlink). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  });
}
