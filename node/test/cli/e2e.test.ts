import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "./helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const main = join(root, "node", "dist", "cli", "main.js");
const run = promisify(execFile);
let buildOutput = "";

beforeAll(async () => {
  // Build what the bin points at. Errors elsewhere in the tree still emit our files, so only
  // a missing main.js stops the test (it is skipped, with the compiler's output).
  await run("npx", ["tsc", "-b"], { cwd: root }).catch((error: { stdout?: string }) => {
    buildOutput = error.stdout ?? String(error);
  });
}, 240_000);

let child: ReturnType<typeof spawn> | undefined;
afterEach(async () => {
  // A test that timed out leaves its node running: stop it before removing its folder.
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await removeTempDirs();
});

/** Resolves with the URL the node prints once it listens; rejects if it exits first. */
function listeningUrl(child: ReturnType<typeof spawn>, output: { stdout: string; stderr: string }) {
  return new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output.stdout += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on("data", (chunk: Buffer) => void (output.stderr += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`start exited ${code}: ${output.stderr}`)));
  });
}

describe("frx-node end to end (built bin, real process)", () => {
  it("init, start on a free loopback port, health and readiness, SIGTERM exits 0", async (ctx) => {
    if (!existsSync(main)) ctx.skip(`${main} is missing; npx tsc -b failed:\n${buildOutput}`);
    const dir = join(await tempDir(), "th");
    const init = await run(process.execPath, [main, "init", "--dir", dir, "--node", "TH"]);
    expect(init.stdout).toContain("initialised node TH");

    child = spawn(process.execPath, [main, "start", "--dir", dir, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = child;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      started.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const output = { stdout: "", stderr: "" };
    try {
      const url = await listeningUrl(started, output);
      // The node prints its URL once listening; poll briefly in case readiness lags.
      let ready = await fetch(`${url}/readyz`);
      for (let i = 0; i < 50 && ready.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`${url}/readyz`);
      }
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", checks: { storeOpen: true } });
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: "ok" });
    } finally {
      started.kill("SIGTERM");
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output.stdout).toContain("node TH stopped (SIGTERM)");
    const events = output.stderr
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toContain("node.started");
    expect(events[events.length - 1]).toBe("node.closed");
  });
});
