import { afterEach, describe, expect, it } from "vitest";
import { run, type Io } from "../../src/cli/main.js";
import { addDoe, cli, initNode, removeTempDirs } from "./helpers.js";

/** Nodes a failed test left running, stopped before their folders go. */
const running = new Set<() => Promise<unknown>>();
afterEach(async () => {
  for (const stop of running) await stop();
  running.clear();
  await removeTempDirs();
});

/** `frx-node start` in-process, with the stop signal in the test's hands. */
function startInProcess(dir: string) {
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

describe("frx-node start (in-process)", () => {
  it("serves health and readiness, locks the store, and drains on a stop signal", async () => {
    const dir = await initNode();
    await addDoe(dir);
    const node = startInProcess(dir);
    const url = await node.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);

    for (const argv of [
      ["agency", "disable", "--dir", dir, "--id", "TH:DOE"],
      ["backup", "--dir", dir, "--out", `${dir}.bak`],
      ["audit", "verify", "--dir", dir],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.stderr).toContain(`the node at ${dir} is running; stop it first`);
    }
    const again = await cli("start", "--dir", dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is running; stop it first");

    const done = await node.stop("SIGTERM");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("node TH stopped (SIGTERM)");
    const events = done.stderr
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toEqual(["node.started", "node.stopping", "node.closed"]);
    // The store is free again once the node has stopped.
    expect((await cli("agency", "list", "--dir", dir)).stdout).toMatch(/TH:DOE\s+active/);
  });

  it("refuses a port that is taken instead of crashing", async () => {
    const first = startInProcess(await initNode());
    const port = new URL(await first.url).port;
    const other = await initNode();
    const r = await cli("start", "--dir", other, "--port", port);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect((await first.stop("SIGINT")).code).toBe(0);
  });
});
