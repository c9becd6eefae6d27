import { printable } from "../config/text.js";
/** Where a command writes, and how `start` learns it should stop. Injected so tests run in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves with the signal's name when the operator asks the node to stop. */
  stopSignal?: () => Promise<string>;
}

/** Bad command line: usage goes to stderr and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command could not do its job: the message goes to stderr and the exit code is 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/**
 * Waits for SIGINT or SIGTERM. Both listeners go after the first signal, so a second one
 * falls back to Node's default and ends the process at once.
 *
 * @example const signal = await processStopSignal(); await node.close();
 */
export function processStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** @example io.stdout(lines("ok", "entries: 3")) */
export function lines(...text: string[]): string {
  return text.map((t) => t + "\n").join("");
}

/** An indented `label: value` line, labels padded to one column. */
export function field(label: string, value: string | number): string {
  return `  ${(label + ":").padEnd(18)} ${typeof value === "string" ? printable(value) : value}`;
}
