/**
 * Fault (g): a node that keeps the jtis it accepted, its peers' directories and the results of
 * the transactions it answered in memory only. Made without touching node/: the reference node
 * runs as a process (reference-process.ts), and this test's crash step kills it (SIGKILL),
 * deletes those records from its store with the node's own store code (what a node that never
 * wrote them would find), and has the kit's script start it again. Its restart step is the
 * kit's, unchanged.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createNode, memoryLogger, readConfig, readNodeKeys } from "@frx/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { federationRestartTests, restartTests, runSuite, type Report } from "../src/index.js";
import { failedIds } from "./support/expectations.js";
import { startReferenceProcess, type ReferenceProcess } from "./support/reference-process.js";

/** The replay store's own record of how the node last ran sorts first; jtis come after it. */
const RUN_KEY = "\u0000run";

async function forget(dir: string): Promise<void> {
  const node = await createNode({
    config: await readConfig(dir),
    keys: await readNodeKeys(dir),
    dir,
    logger: memoryLogger(),
  });
  try {
    const { store } = node.ctx;
    const ops = [];
    for (const aggregate of ["jti", "peers", "inboundTxns"] as const)
      for (const [key] of await store.range(aggregate, aggregate === "jti" ? { gt: RUN_KEY } : {}))
        ops.push({ type: "del" as const, aggregate, key });
    await store.commit(ops);
  } finally {
    await node.close();
  }
}

async function kill(dir: string): Promise<void> {
  const { pid } = JSON.parse(await readFile(join(dir, "admin.json"), "utf8")) as { pid: number };
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 600; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the node (pid ${pid}) did not die`);
}

let proc: ReferenceProcess;
let report: Report;
beforeAll(async () => {
  proc = await startReferenceProcess();
  const kit = proc.operator;
  report = await runSuite({
    nodeUrl: proc.url,
    kitDir: proc.kitDir,
    profile: "full",
    only: [...restartTests, ...federationRestartTests].map((t) => t.id),
    operator: {
      ...kit,
      async crash() {
        await kill(proc.dir);
        await forget(proc.dir);
        await kit.restart!(); // no node runs: the kit's script starts it
      },
    },
  });
}, 900_000);
afterAll(async () => proc?.close());

it("fails the node that forgets on a crash on exactly the tests of what it forgot", () => {
  expect(failedIds(report)).toEqual(["FRX-API-032/crash", "FRX-FED-007", "FRX-FED-040"]);
  expect(report.tests.find((t) => t.id === "FRX-API-032/crash")?.message).toContain(
    "expected a refusal with auth.token-replayed, got HTTP 200",
  );
});

it("passes it where nothing forgotten is involved: a graceful restart, receipts, the outbox, the wake", () => {
  expect(report.tests.filter((t) => t.status === "passed").map((t) => t.id)).toEqual([
    "FRX-RCPT-001",
    "FRX-API-032",
    "FRX-FED-089",
    "FRX-FED-061",
  ]);
});
