import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { NodeConfig } from "./config/config.js";
import { nodeSigner, type NodeKeys } from "./config/keys.js";
import { InboxSignal, type AppContext } from "./context.js";
import { AuditLog } from "./domain/audit.js";
import { Directory } from "./domain/directory.js";
import { createApp, type Env } from "./http/app.js";
import { ReplayGuard } from "./http/auth/replay.js";
import { DeadlineScheduler } from "./jobs/deadline-scheduler.js";
import { Cursor } from "./pipeline/inbox-ops.js";
import { Ingest } from "./pipeline/ingest.js";
import { Mutex } from "./pipeline/mutex.js";
import { systemClock, ulidGenerator, type Clock } from "./runtime/clock.js";
import { jsonLogger, type Logger } from "./runtime/logger.js";
import { Metrics } from "./runtime/metrics.js";
import { FileAttachmentStore, type AttachmentStore } from "./store/attachments.js";
import { openLevel, type RootDb } from "./store/db.js";
import { Store } from "./store/store.js";

export interface NodeOptions {
  config: NodeConfig;
  keys: NodeKeys;
  /** The node's data folder (store and attachments), unless `db` and `attachments` are given. */
  dir?: string;
  /** A root database, e.g. memory-level in tests. */
  db?: RootDb;
  attachments?: AttachmentStore;
  clock?: Clock;
  logger?: Logger;
}

/** A national node: create → start → close. */
export interface FrxNode {
  ctx: AppContext;
  app: Hono<Env>;
  ingest: Ingest;
  scheduler: DeadlineScheduler;
  /** Listens on config.host:config.port (0 picks a free port) and starts the scheduler. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting, drains in-flight requests and writes, then closes the store. */
  close(): Promise<void>;
}

/**
 * Builds the node: opens the store, loads the audit head, the replay window and the inbox
 * cursor, and wires the HTTP app. Nothing listens until `start()`.
 *
 * @example const node = await createNode({ config, keys, dir }); await node.start(); … await node.close();
 */
export async function createNode(options: NodeOptions): Promise<FrxNode> {
  const { config, keys } = options;
  if (!options.db && !options.dir) throw new TypeError("createNode needs a dir or a db");
  if (options.dir) await mkdir(options.dir, { recursive: true });
  const store = new Store(options.db ?? openLevel(join(options.dir!, "store")), config.sync);
  await store.open();
  const clock = options.clock ?? systemClock;
  const signer = nodeSigner(keys);
  const ctx: AppContext = {
    config,
    keys,
    signer,
    store,
    attachments: options.attachments ?? new FileAttachmentStore(join(options.dir!, "attachments")),
    directory: new Directory(store, config.node),
    audit: new AuditLog(store, signer, config.checkpointEvery),
    replay: new ReplayGuard(store, clock, config.skewSeconds * 1000),
    clock,
    ids: ulidGenerator(clock),
    logger: options.logger ?? jsonLogger(undefined, { node: config.node }),
    metrics: new Metrics(),
    serial: new Mutex(),
    cursor: new Cursor((await store.get<number>("meta", "inboxCursor")) ?? 0),
    inboxSignal: new InboxSignal(),
  };
  await ctx.audit.load();
  await ctx.replay.load();
  ctx.metrics.gauge("frx_store_batches", () => store.batches);
  ctx.metrics.gauge("frx_audit_entries", () => ctx.audit.length);

  const ingest = new Ingest(ctx);
  const scheduler = new DeadlineScheduler(ctx);
  const ready = () => {
    const checks = { keysLoaded: !!signer.kid, storeOpen: store.isOpen };
    return { ok: Object.values(checks).every(Boolean), checks };
  };
  const app = createApp({ ctx, ingest, ready });
  let server: Server | null = null;

  return {
    ctx,
    app,
    ingest,
    scheduler,
    async start() {
      const info = await new Promise<{ port: number }>((resolve) => {
        server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (i) =>
          resolve(i),
        ) as Server;
      });
      scheduler.start();
      const url = `http://${config.host}:${info.port}`;
      ctx.logger.info("node.started", { url });
      return { url, port: info.port };
    },
    async close() {
      await scheduler.stop();
      if (server) {
        const s = server as Server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeIdleConnections();
        });
      }
      await ctx.serial.run(() => undefined);
      await store.close();
      ctx.logger.info("node.closed");
    },
  };
}
