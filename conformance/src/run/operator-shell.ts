import { spawn } from "node:child_process";
import { errorCodeValues } from "@frx/spec";

/** An operator step that did not complete (the tests needing it are skipped, not failed). */
export class OperatorStepFailed extends Error {
  override readonly name = "OperatorStepFailed";
}

const CODES: ReadonlySet<string> = new Set(errorCodeValues);

/** The last FRX error code (of the spec's list) in what a command printed, or "(none printed)". */
export function lastCode(output: string): string {
  const words = [...output.matchAll(/\b([a-z]+\.[a-z][a-z-]*)\b/g)].map((m) => m[1]!);
  return words.filter((w) => CODES.has(w)).at(-1) ?? "(none printed)";
}

/** Runs `line` with /bin/sh: its exit code, stdout and stderr interleaved, and stdout alone. */
export function runShell(
  line: string,
  timeoutMs: number,
): Promise<{ code: number; output: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", line], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    const add = (b: Buffer) => {
      if (output.length < 65_536) output += b.toString("utf8");
    };
    child.stdout.on("data", (b: Buffer) => {
      add(b);
      if (stdout.length < 1_048_576) stdout += b.toString("utf8");
    });
    child.stderr.on("data", add);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the operator command did not finish within ${timeoutMs} ms: ${line}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, stdout });
    });
  });
}
