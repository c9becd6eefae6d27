// One soak node in its own process, so its memory and handles are its own and a restart is a
// real process restart. The parent (cluster.ts) sends the boot parameters in FRX_SOAK_BOOT and
// talks over IPC: "trust" applies a trust list, "stats" answers with memory after a full GC.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  createNode,
  defaultConfig,
  jsonLogger,
  readNodeKeys,
  registerParticipant,
  type FrxNode,
  provideKeyFile,
} from "@frx/node";
import type { PublicJwk, SignedTrustList } from "@frx/spec";

export interface BootParams {
  cc: string;
  dir: string;
  port: number;
  genesisDigest: string | null;
  /** Agencies to register on first boot (none on a restart: they are in the store). */
  agencies: Array<{
    id: string;
    roles: string[];
    orgType: string;
    powers?: string[];
    publicJwk: PublicJwk;
  }>;
}

export interface NodeStats {
  rss: number;
  heapUsed: number;
  /** V8's heap as reserved from the system (used or not). */
  heapTotal: number;
  /** Memory outside V8's heap held by JavaScript objects (Buffers, ArrayBuffers). */
  external: number;
  /** Active libuv handles and requests (process.getActiveResourcesInfo). */
  handles: number;
  /** Open file descriptors (/proc/self/fd). */
  fds: number;
  storeBytes: number;
}

export type Ask = { cmd: "trust"; signed: SignedTrustList } | { cmd: "stats" };
export type Request = Ask & { id: number };

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await sizeOf(p) : (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function stats(dir: string): Promise<NodeStats> {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    handles: process.getActiveResourcesInfo().length,
    fds: (await readdir("/proc/self/fd").catch(() => [])).length,
    storeBytes: await sizeOf(dir),
  };
}

async function main(): Promise<void> {
  const boot = JSON.parse(process.env.FRX_SOAK_BOOT ?? "null") as BootParams;
  const config = defaultConfig(boot.cc, {
    port: boot.port,
    federation: {
      backoffBaseMs: 200,
      backoffCapMs: 2000,
      directoryCooldownMs: 1000,
      genesisDigest: boot.genesisDigest,
    },
  });
  const logger = jsonLogger((line) => {
    if (!line.includes('"level":"info"')) process.stderr.write(line + "\n");
  });
  await provideKeyFile(boot.dir, config);
  const node: FrxNode = await createNode({
    config,
    keys: await readNodeKeys(boot.dir),
    dir: boot.dir,
    logger,
  });
  for (const a of boot.agencies) await registerParticipant(node.ctx, { ...a, name: a.id });
  const { url, port } = await node.start();
  process.on("message", (raw: Request) => {
    const work =
      raw.cmd === "trust" ? node.applyTrustList(raw.signed).then(() => ({})) : stats(boot.dir);
    work.then(
      (value) => process.send?.({ id: raw.id, ok: true, value }),
      (error: unknown) => process.send?.({ id: raw.id, ok: false, error: String(error) }),
    );
  });
  process.once("SIGTERM", () => {
    node.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send?.({ ready: true, url, port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
