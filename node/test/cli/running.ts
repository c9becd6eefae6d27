import { run, type Io } from "../../src/cli/main.js";

/** Nodes a failed test left running, stopped before their folders go. */
export const running = new Set<() => Promise<unknown>>();
/** Stops every node a test left running (call from afterEach, before removing folders). */
export async function stopAll(): Promise<void> {
  for (const stop of running) await stop();
  running.clear();
}

/** `frx-node start` in-process, with the stop signal in the test's hands. */
export function startInProcess(dir: string) {
  let stdout = "";
  let stderr = "";
  let stop!: (signal: string) => void;
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const io: Io = {
    stdout: (t) => {
      stdout += t;
      const m = /listening on (http:\/\/\S+)/.exec(t);
      if (m) listening(m[1]!);
    },
    stderr: (t) => void (stderr += t),
    stopSignal: () => new Promise<string>((resolve) => (stop = resolve)),
  };
  const exit = run(["start", "--dir", dir, "--host", "127.0.0.1", "--port", "0"], io);
  const failed = exit.then((code) => {
    throw new Error(`start exited ${code} before listening: ${stderr}`);
  });
  const stopNode = async (signal: string) => {
    running.delete(cleanup);
    stop(signal);
    return { code: await exit, stdout, stderr };
  };
  const cleanup = () => stopNode("SIGTERM");
  running.add(cleanup);
  return { url: Promise.race([url, failed]), stop: stopNode };
}
