import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const live = new Set<ChildProcess>();

/**
 * A bench child process: a compiled entry in this folder, talking one JSON object per line
 * on stdout. Its stdin is a lifeline: the child shuts down when it closes, so a dying parent
 * takes its children with it.
 */
export class Child {
  private readonly proc: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiters: Array<(line: string | null) => void> = [];
  private readonly stderr: string[] = [];
  private ended = false;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: URL,
    args: string[] = [],
    nodeArgs: string[] = [],
    /** The child's environment (this process's by default). */
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.proc = spawn(process.execPath, [...nodeArgs, fileURLToPath(script), ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env,
    });
    live.add(this.proc);
    this.exited = new Promise((resolve) => {
      this.proc.once("exit", (code) => {
        live.delete(this.proc);
        resolve(code);
      });
    });
    createInterface({ input: this.proc.stdout! })
      .on("line", (line) => {
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      })
      .on("close", () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w(null);
      });
    createInterface({ input: this.proc.stderr! }).on("line", (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 40) this.stderr.shift();
    });
    // A child that already exited makes writes to its stdin fail; that is reported by `exited`.
    this.proc.stdin!.on("error", () => undefined);
  }

  /** The next JSON line the child prints, or an error naming the child if none comes in time. */
  async next<T>(timeoutMs: number): Promise<T> {
    const line = await new Promise<string | null>((resolve, reject) => {
      const queued = this.lines.shift();
      if (queued !== undefined) return resolve(queued);
      if (this.ended) return resolve(null);
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(this.failure(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (l: string | null) => {
        clearTimeout(timer);
        resolve(l);
      };
      this.waiters.push(done);
    });
    if (line === null) throw this.failure("exited without answering");
    try {
      return JSON.parse(line) as T;
    } catch {
      throw this.failure(`printed a line that is not JSON: ${line.slice(0, 200)}`);
    }
  }

  /** Ends the child at once, as a crash would (tests: SIGKILL). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.proc.kill(signal);
  }

  /** Sends one JSON line to the child's stdin: a command, for children that take them. */
  send(value: unknown): void {
    this.proc.stdin!.write(JSON.stringify(value) + "\n");
  }

  /** Sends a command and waits for the child's answer to it. */
  async ask<T>(command: unknown, timeoutMs: number): Promise<T> {
    this.send(command);
    return this.next<T>(timeoutMs);
  }

  /** Closes the lifeline and waits for a clean exit; kills the child if it takes too long. */
  async stop(timeoutMs: number): Promise<number | null> {
    this.proc.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.proc.kill("SIGKILL");
      throw this.failure(`did not exit within ${timeoutMs} ms of being asked to`);
    }
    return outcome;
  }

  /** An error carrying the child's last stderr lines. */
  failure(what: string): Error {
    const tail =
      this.stderr.length > 0 ? `\n--- ${this.name} stderr ---\n${this.stderr.join("\n")}` : "";
    return new Error(`${this.name} ${what}${tail}`);
  }
}

/** Kills every child still running; for exit paths that cannot wait. */
export function killChildren(): void {
  for (const proc of live) proc.kill("SIGKILL");
  live.clear();
}

/**
 * In a child: calls `shutdown` once when the parent closes stdin (or is gone), or on
 * SIGTERM/SIGINT.
 */
export function onParentGone(shutdown: () => Promise<void>): void {
  let called = false;
  const run = () => {
    if (called) return;
    called = true;
    shutdown()
      .catch((error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exitCode = 1;
      })
      // After a signal stdin may still be open and would keep the process alive.
      .finally(() => process.stdin.destroy());
  };
  process.stdin.on("end", run).on("close", run).resume();
  process.once("SIGTERM", run).once("SIGINT", run);
}

/**
 * In a child: answers each JSON line the parent sends on stdin with one JSON line, one
 * command at a time, in order. A failed command answers `{ error }`.
 */
export function onCommand(handle: (command: Record<string, unknown>) => Promise<unknown>): void {
  let tail = Promise.resolve();
  createInterface({ input: process.stdin }).on("line", (line) => {
    tail = tail.then(async () => {
      try {
        answer(await handle(JSON.parse(line) as Record<string, unknown>));
      } catch (error) {
        answer({ error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}

/** In a child: one JSON line to the parent. */
export function answer(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + "\n");
}

/** CPU time (user + system) this process used since `since`, in milliseconds. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return Math.round((user + system) / 1000);
}
