// A bench child: a real national node on a file-backed, fsynced store, listening on a free
// loopback port. Usage: node node-server.js SETUP.json. Prints {port}; when its stdin closes
// it closes the node cleanly and prints the time it spent where, then exits.
import { provideKeyFile } from "../privacy/data-keys.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { registerParticipant, type ParticipantRegistration } from "../admin/participants.js";
import { defaultConfig } from "../config/config.js";
import type { NodeKeys } from "../config/keys.js";
import { createNode } from "../node.js";
import { answer, cpuMs, onParentGone } from "./children.js";
import { openLevel } from "../store/db.js";
import { LevelStore } from "../store/store.js";
import { emptyTimes, instrumentNode, type NodeTimes } from "./instrument.js";
import { startProbe, type ProbeReport } from "./node-probe.js";

/** What the parent hands the node: where to keep its data, its keys, and whom to register. */
export interface NodeServerSetup {
  dir: string;
  keys: NodeKeys;
  agencies: ParticipantRegistration[];
  /** The node's `verifyThreads`; its default (one per core) when absent. */
  verifyThreads?: number;
}

/** Where the node spent its time, and the CPU it used from listening to closing. */
export interface NodeServerStats extends NodeTimes {
  closed: true;
  cpuMs: number;
  /** From createNode to listening, and the process's peak resident memory, in MB. */
  startMs: number;
  maxRssMB: number;
  /** Where the memory is at the close: resident, the V8 heap, and memory outside it. */
  memory: MemoryMB;
  /** Reads at start, the memory at its peak by part, GC, and each GET (node-probe.ts). */
  probe?: ProbeReport;
}

export interface MemoryMB {
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  /** C++ objects bound to JS ones and buffers (not LevelDB's own allocations). */
  externalMB: number;
}

function memoryMB(): MemoryMB {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return {
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    heapTotalMB: mb(m.heapTotal),
    externalMB: mb(m.external),
  };
}

const setup = JSON.parse(await readFile(process.argv[2]!, "utf8")) as NodeServerSetup;
const config = defaultConfig("TH", {
  host: "127.0.0.1",
  port: 0,
  sync: true,
  ...(setup.verifyThreads !== undefined ? { verifyThreads: setup.verifyThreads } : {}),
});
await provideKeyFile(setup.dir, config);
const t0 = performance.now();
const store = new LevelStore(
  openLevel(join(setup.dir, "store")),
  config.sync,
  config.refusalAuditFlushMs,
);
const probe = startProbe(store);
const node = await createNode({ config, keys: setup.keys, dir: setup.dir, store });
for (const agency of setup.agencies) await registerParticipant(node.ctx, agency);

const stats: NodeServerStats = {
  closed: true,
  cpuMs: 0,
  startMs: 0,
  maxRssMB: 0,
  memory: memoryMB(),
  ...emptyTimes(),
};
instrumentNode(node, stats);
probe.attach(node);

const { port } = await node.start();
stats.startMs = Math.round(performance.now() - t0);
probe.started();
answer({ port, pid: process.pid, startMs: stats.startMs, rssAtListenMB: memoryMB().rssMB });
const cpuAtListen = process.cpuUsage();

onParentGone(async () => {
  await node.close();
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  answer({
    ...stats,
    cpuMs: cpuMs(cpuAtListen),
    maxRssMB,
    memory: memoryMB(),
    probe: probe.report(),
  });
});
