import type { Flags, FlagSpecs } from "./args.js";
import type { Io } from "./io.js";

/** One `frx-node` command: its words, its flags, its help, and what it does. */
export interface Command {
  /** The words after `frx-node`, e.g. ["agency", "add"]. */
  path: readonly string[];
  summary: string;
  /** Synopsis and flag descriptions, printed by `--help` and on usage errors. */
  usage: string;
  flags: FlagSpecs;
  /** Resolves to the exit code; throws UsageError (2), CliError or anything else (1). */
  run(flags: Flags, io: Io): Promise<number>;
}

/** The `--dir` flag every command on an existing node takes. */
export const DIR_FLAG = { dir: { kind: "string", required: true } } as const;
