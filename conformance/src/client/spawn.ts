import { spawn } from "node:child_process";
import { MAX_CLIENT_OUTPUT_BYTES } from "./contract.js";

export interface CommandResult {
  stdout: string;
  /** The last 4 KiB of standard error. */
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
}

const STDERR_TAIL = 4096;
/** How long a client told to stop (SIGTERM) has before it is killed. */
const GRACE_MS = 5000;

/**
 * Runs the certifier's command through `sh -c` in its own process group with `env` added to
 * the suite's environment. Standard output is read up to MAX_CLIENT_OUTPUT_BYTES; after
 * `timeoutMs` the group gets SIGTERM, and SIGKILL `GRACE_MS` later.
 *
 * @example await runCommand("node client.js", { FRX_NODE_URL: url }, 60_000)
 */
export function runCommand(
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (outBytes >= MAX_CLIENT_OUTPUT_BYTES) return;
      out.push(chunk.subarray(0, MAX_CLIENT_OUTPUT_BYTES - outBytes));
      outBytes += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // The group has ended already.
      }
    };
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup("SIGTERM");
      kill = setTimeout(() => signalGroup("SIGKILL"), GRACE_MS);
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(kill);
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: err,
        code,
        signal,
        timedOut,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}
