/**
 * The tests that restart or crash the node (operator steps `restart` and `crash`), against the
 * reference node run as a process of its own and stopped by the kit's operator script: SIGTERM
 * for a restart, SIGKILL for a crash, each time started again on the same store. The in-process
 * node of reference.test.ts cannot be killed, so it skips them. Needs `npm run build` (the
 * frx-node CLI).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { federationRestartTests, restartTests, runSuite, type Report } from "../src/index.js";
import { startReferenceProcess, type ReferenceProcess } from "./support/reference-process.js";

const IDS = [...restartTests, ...federationRestartTests].map((t) => t.id);
const pidOf = async (dir: string) =>
  (JSON.parse(await readFile(join(dir, "admin.json"), "utf8")) as { pid: number }).pid;

let proc: ReferenceProcess;
let report: Report;
let firstPid: number;

beforeAll(async () => {
  proc = await startReferenceProcess();
  firstPid = await pidOf(proc.dir);
  report = await runSuite({
    nodeUrl: proc.url,
    kitDir: proc.kitDir,
    profile: "full",
    only: IDS,
    operator: proc.operator,
  });
}, 900_000);
afterAll(async () => proc?.close());

it("passes every test that restarts or crashes the node", () => {
  // What the tests noted (e.g. whether the crash cut submissions off in flight), for the log.
  for (const t of report.tests) if (t.notes) console.log(`${t.id}: ${t.notes.join("; ")}`);
  expect(report.tests.map((t) => [t.id, t.status, t.message])).toEqual(
    IDS.map((id) => [id, "passed", undefined]),
  );
});

it("ran them against a process the steps replaced, not one that stayed up", async () => {
  expect(await pidOf(proc.dir)).not.toBe(firstPid);
});
