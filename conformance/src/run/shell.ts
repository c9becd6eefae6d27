import { spawn } from "node:child_process";

/**
 * Runs `line` with /bin/sh and collects what it prints (stdout and stderr together, the first
 * 64 KiB); rejects when it does not finish within `timeoutMs` (and kills it).
 */
export function runShell(
  line: string,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", line], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const add = (b: Buffer) => {
      if (output.length < 65_536) output += b.toString("utf8");
    };
    child.stdout.on("data", add);
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
      resolve({ code: code ?? 1, output });
    });
  });
}
