// `node node/dist/bench/replicas.js [--count N] [--concurrency N] [--pg URL]`: ingest through
// two replicas of one node on PostgreSQL, one of them killed with SIGKILL a third of the way
// in, against one node on level in the same run, each a real `frx-node start` process. Prints
// {"bench":"replicas","replicas":2,"perSec","ratioVsLevel","lost","duplicates"} on stdout.
// Needs a PostgreSQL server: --pg or FRX_PG_URL (it works in a schema of its own and drops it).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { registerParticipant } from "../admin/participants.js";
import { defaultConfig, writeConfig, type NodeConfig } from "../config/config.js";
import { generateNodeKeys, writeNodeKeys } from "../config/keys.js";
import { createNode } from "../node.js";
import { memoryLogger } from "../runtime/logger.js";
import { PgStore } from "../store/postgres/pg-store.js";
import type { InboxItem } from "../store/records.js";
import { benchAgencies, signEnvelopes, type SignedEnvelope } from "./envelopes.js";

const { values: opts } = parseArgs({
  options: {
    count: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "16" },
    pg: { type: "string", default: process.env.FRX_PG_URL ?? "" },
  },
});
if (!opts.pg) {
  process.stderr.write("bench replicas: needs a PostgreSQL server: --pg URL or FRX_PG_URL\n");
  process.exit(2);
}
const count = Number(opts.count);
const concurrency = Number(opts.concurrency);
const main = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const children: ChildProcess[] = [];

interface Server {
  child: ChildProcess;
  url: string;
}

/** A node folder (config, keys, the bench agencies registered) on level or PostgreSQL. */
async function prepare(dir: string, store?: string) {
  const agencies = benchAgencies();
  const config: NodeConfig = defaultConfig("TH", {
    host: "127.0.0.1",
    port: 0,
    sync: true,
    admin: { enabled: false },
    ...(store ? { store } : {}),
  });
  const keys = generateNodeKeys();
  const node = await createNode({ config, keys, dir, logger: memoryLogger() });
  for (const a of agencies) await registerParticipant(node.ctx, a.registration);
  await node.close();
  await writeNodeKeys(dir, keys);
  await writeConfig(dir, config);
  return agencies;
}

function start(dir: string): Promise<Server> {
  const child = spawn(process.execPath, [main, "start", "--dir", dir, "--port", "0"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once("exit", (code) => reject(new Error(`frx-node start exited ${code}`)));
  });
}

/**
 * Posts every envelope from `concurrency` clients, round robin over the live servers; a
 * failed request goes to the next live server, as behind a load balancer. `onReceipt` may
 * kill a server. Returns the receipted ids and envelopes per second.
 */
async function load(
  envelopes: SignedEnvelope[],
  servers: Server[],
  onReceipt: (n: number) => void,
): Promise<{ receipted: Set<string>; perSec: number }> {
  const receipted = new Set<string>();
  let next = 0;
  const t0 = performance.now();
  const client = async () => {
    while (next < envelopes.length) {
      const i = next++;
      const e = envelopes[i]!;
      for (let attempt = 0; ; attempt++) {
        const live = servers.filter((s) => s.child.exitCode === null && !s.child.signalCode);
        if (live.length === 0 || attempt > 50)
          throw new Error(`envelope ${e.id}: no server took it`);
        const target = live[(i + attempt) % live.length]!;
        const res = await fetch(`${target.url}/v1/envelopes`, {
          method: "POST",
          headers: { "content-type": "application/jose" },
          body: e.jws,
        }).catch(() => null);
        if (res && (res.status === 200 || res.status === 201)) {
          await res.arrayBuffer();
          receipted.add(e.id);
          onReceipt(receipted.size);
          break;
        }
        if (res && res.status < 500) throw new Error(`refused: ${res.status} ${await res.text()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { receipted, perSec: envelopes.length / ((performance.now() - t0) / 1000) };
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode) return;
  const exited = new Promise((r) => server.child.once("exit", r));
  server.child.kill("SIGTERM");
  await exited;
}

const tmp = await mkdtemp(join(tmpdir(), "frx-bench-replicas-"));
const schema = `frx_bench_${randomBytes(4).toString("hex")}`;
const storeUrl = new URL(opts.pg);
storeUrl.searchParams.set("schema", schema);
try {
  // One node on level.
  const levelDir = join(tmp, "level");
  const levelAgencies = await prepare(levelDir);
  const levelNode = await start(levelDir);
  const onLevel = await load(signEnvelopes(levelAgencies, count, 1536), [levelNode], () => {});
  await stop(levelNode);

  // Two replicas on PostgreSQL; the first is killed a third of the way in.
  const pgDir = join(tmp, "pg");
  const pgAgencies = await prepare(pgDir, storeUrl.toString());
  const replicas = [await start(pgDir), await start(pgDir)];
  const envelopes = signEnvelopes(pgAgencies, count, 1536);
  let killed = false;
  const onPg = await load(envelopes, replicas, (n) => {
    if (!killed && n >= count / 3) {
      killed = true;
      replicas[0]!.child.kill("SIGKILL");
    }
  });
  await stop(replicas[1]!);

  const store = new PgStore(storeUrl.toString());
  await store.open();
  let lost = 0;
  const seen = new Map<string, number>();
  try {
    for (const id of onPg.receipted) if (!(await store.get("messages", id))) lost++;
    for await (const [, item] of store.iterate<InboxItem>("inbox")) {
      const k = `${item.participant} ${item.messageId}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  } finally {
    await store.close();
  }
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  const line = {
    bench: "replicas",
    replicas: 2,
    envelopes: count,
    receipted: onPg.receipted.size,
    perSec: Math.round(onPg.perSec),
    levelPerSec: Math.round(onLevel.perSec),
    ratioVsLevel: Number((onPg.perSec / onLevel.perSec).toFixed(3)),
    lost: lost + (count - onPg.receipted.size),
    duplicates,
    killed: "one replica, SIGKILL, after a third of the envelopes",
  };
  process.stdout.write(JSON.stringify(line) + "\n");
} finally {
  for (const c of children) if (c.exitCode === null && !c.signalCode) c.kill("SIGKILL");
  const client = new pg.Client({ connectionString: opts.pg });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  await rm(tmp, { recursive: true, force: true });
}
