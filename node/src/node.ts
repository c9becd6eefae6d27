import { mkdir, readFile } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import { startAdminListener, type AdminListener } from "./admin/listener.js";
import type { Server } from "node:http";
import { isAbsolute, join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { NodeConfig } from "./config/config.js";
import { nodeSigner, type NodeKeys } from "./config/keys.js";
import { InboxSignal, type AppContext } from "./context.js";
import { AuditLog } from "./domain/audit.js";
import { ANCHOR_FILE, exportCheckpoint } from "./domain/audit-anchor.js";
import { Directory } from "./domain/directory.js";
import { createApp, type Env } from "./http/app.js";
import { OPERATOR_TOKEN_MAX_SECONDS } from "./http/auth/operator-token.js";
import { ReplayGuard } from "./http/auth/replay.js";
import { DeadlineScheduler } from "./jobs/deadline-scheduler.js";
import { CalendarWatch } from "./jobs/calendar-watch.js";
import { TrustWatch } from "./jobs/trust-watch.js";
import { RetentionJob } from "./jobs/retention-job.js";
import { Cursor } from "./pipeline/inbox-ops.js";
import { Ingest } from "./pipeline/ingest.js";
import { Mutex } from "./pipeline/mutex.js";
import { systemClock, ulidGenerator, type Clock } from "./runtime/clock.js";
import { jsonLogger, type Logger } from "./runtime/logger.js";
import { Metrics } from "./runtime/metrics.js";
import type { AttachmentStore } from "./store/attachments.js";
import { FileKeySource, type DataKeySource } from "./privacy/data-keys.js";
import { SealedFileAttachmentStore } from "./privacy/sealed-attachments.js";
import { openLevel, type RootDb } from "./store/db.js";
import { LevelStore, type Store } from "./store/store.js";
import { PgStore } from "./store/postgres/pg-store.js";
import { joinCluster, startReplica, type Replica } from "./cluster/replicas.js";
import {
  createSigner,
  publicJwkOf,
  type PrivateJwk,
  type SignedTrustList,
  type VerifiedTrustList,
} from "@frx/spec";
import { TrustState } from "./federation/trust-state.js";
import { PeerDirectories } from "./federation/peer-directory.js";
import { PeerClient } from "./federation/peer-client.js";
import { Outbox } from "./federation/outbox.js";
import { wakePeers } from "./federation/inbound.js";
import type { Dispatcher } from "undici";
import { acquireVerifier, defaultVerifyThreads } from "./pipeline/verifier.js";

/** How long close() lets in-flight requests finish before it cuts their connections. */
const SHUTDOWN_GRACE_MS = 5_000;

export interface NodeOptions {
  config: NodeConfig;
  keys: NodeKeys;
  /** The node's data folder (store and attachments), unless `db` and `attachments` are given. */
  dir?: string;
  /** A root database, e.g. memory-level in tests. */
  db?: RootDb;
  /**
   * Where the data keys come from (FRX-DP-001): an external key service, or a keyring in
   * memory for tests. Otherwise config.dataKeyFile, resolved against `dir`; with neither the
   * node does not start.
   */
  dataKeys?: DataKeySource;
  /** A store (not yet open), instead of the one `config.store` or `db` names. */
  store?: Store;
  attachments?: AttachmentStore;
  clock?: Clock;
  logger?: Logger;
  /** The HTTP dispatcher for calls to peer nodes (tests inject one). */
  peerDispatcher?: Dispatcher;
}

/** A national node: create → start → close. */
export interface FrxNode {
  ctx: AppContext;
  /** The node's data folder, when it has one (config.json and node-keys.json live there). */
  dir?: string;
  app: Hono<Env>;
  ingest: Ingest;
  scheduler: DeadlineScheduler;
  /** Listens on config.host:config.port (0 picks a free port) and starts the scheduler. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting, drains in-flight requests and writes, then closes the store. */
  close(): Promise<void>;
  /** Verifies a trust list version against the one in force (or the pinned genesis) and applies it. */
  applyTrustList(signed: SignedTrustList, actor?: string): Promise<VerifiedTrustList>;
  /**
   * Holds a new node signing key before the trust list gives it to this node: a list whose
   * entry for this node lists a key the node does not hold is refused (FRX-TRUST-029).
   */
  prepareSigningKey(privateJwk: PrivateJwk): void;
  /** Switches to a new node signing key (publish it in the trust list first; the old one stays listed as retired). */
  rotateSigningKey(privateJwk: PrivateJwk): void;
  /** The admin listener's URL (or socket path) once started; null when it is off. */
  adminUrl: string | null;
  /** On PostgreSQL: the leases (outbox, deadline-scheduler) this replica holds now. */
  replicaLeases(): string[];
}

/**
 * Builds the node: opens the store, loads the audit head, the replay window and the inbox
 * cursor, and wires the HTTP app. Nothing listens until `start()`.
 *
 * @example const node = await createNode({ config, keys, dir }); await node.start(); … await node.close();
 */
export async function createNode(options: NodeOptions): Promise<FrxNode> {
  const { config } = options;
  if (!options.db && !options.dir && !options.store && !config.store)
    throw new TypeError("createNode needs a dir, a db or a store");
  if (options.dir) await mkdir(options.dir, { recursive: true });
  const store = chooseStore(options);
  await store.open();
  try {
    return await assemble(options, store);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** The data key source of a node, or a startup error saying what is missing. */
function dataKeySourceOf(options: NodeOptions): DataKeySource {
  if (options.dataKeys) return options.dataKeys;
  const file = options.config.dataKeyFile;
  if (file === undefined)
    throw new Error(
      "no data key: config.json names no dataKeyFile (frx-node init creates one; an existing node creates it with frx-node data-key init)",
    );
  if (!isAbsolute(file) && !options.dir)
    throw new Error(`config dataKeyFile ${file} is relative, and the node has no folder`);
  return new FileKeySource(options.dir ? resolve(options.dir, file) : file);
}

/** The store the options name: given, on PostgreSQL (config.store), or level (the default). */
function chooseStore(options: NodeOptions): Store {
  const { config } = options;
  if (options.store) return options.store;
  if (config.store) return new PgStore(config.store, { deferMs: config.refusalAuditFlushMs });
  if (!options.db && !options.dir) throw new TypeError("createNode needs a dir or a db");
  return new LevelStore(
    options.db ?? openLevel(join(options.dir!, "store")),
    config.sync,
    config.refusalAuditFlushMs,
  );
}

async function assemble(options: NodeOptions, store: Store): Promise<FrxNode> {
  const { config, keys } = options;
  const dataKeySource = dataKeySourceOf(options);
  const dataKeys = await dataKeySource.load();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? jsonLogger(undefined, { node: config.node });
  const trust = new TrustState(store, clock, () => config.federation.genesisDigest, logger, {
    node: config.node,
    // The keys in use when a list is applied: rotation changes them.
    keys: () => ctx.keys,
    skewSeconds: config.skewSeconds,
  });
  const peerClient = new PeerClient(options.peerDispatcher, config.federation.requestTimeoutMs);
  const verifier = acquireVerifier(config.verifyThreads ?? defaultVerifyThreads());
  const ctx = {
    config,
    keys,
    signer: nodeSigner(keys),
    store,
    dataKeys,
    dataKeySource,
    attachments:
      options.attachments ??
      new SealedFileAttachmentStore(join(options.dir!, "attachments"), () => ctx.dataKeys),
    directory: new Directory(store, config.node),
    replay: new ReplayGuard(
      store,
      clock,
      config.skewSeconds * 1000,
      Math.max(config.tokenMaxSeconds, OPERATOR_TOKEN_MAX_SECONDS) * 1000,
    ),
    clock,
    ids: ulidGenerator(clock),
    logger,
    metrics: new Metrics(),
    verifier: verifier.pool,
    serial: new Mutex(),
    cursor: new Cursor((await store.get<number>("meta", "inboxCursor")) ?? 0),
    outboxSeq: new Cursor((await store.get<number>("meta", "outboxSeq")) ?? 0),
    inboxSignal: new InboxSignal(),
    trust,
    peers: new PeerDirectories(
      store,
      trust,
      peerClient,
      clock,
      logger,
      config.federation.directoryCooldownMs,
      config.skewSeconds,
    ),
    peerClient,
  } as Omit<AppContext, "audit" | "outbox"> as AppContext;
  ctx.audit = new AuditLog(store, () => ctx.signer, config.checkpointEvery);
  // Replicas sharing a PostgreSQL store take turns under its write lock.
  if (store instanceof PgStore) joinCluster(ctx, store);
  const anchorFile = options.dir ? join(options.dir, ANCHOR_FILE) : null;
  store.hooks(
    (ops, textOf) => ctx.audit.seal(ops, clock.now().toISOString(), textOf),
    anchorFile
      ? (ops) => {
          try {
            exportCheckpoint(anchorFile, ops);
          } catch (error) {
            // The batch is on disk; only its export failed. `audit verify` still checks the chain.
            logger.error("audit.anchor-unwritten", { file: anchorFile, error: String(error) });
          }
        }
      : undefined,
  );
  ctx.outbox = new Outbox(ctx);
  await trust.load();
  await ctx.directory.load();
  await ctx.audit.load();
  if (await ctx.replay.load())
    logger.warn("replay.fenced", {
      detail:
        "the node did not stop cleanly and its machine has restarted since: tokens issued before this start are refused until they expire (FRX-API-032)",
    });
  ctx.metrics.gauge("frx_store_batches", () => store.batches);
  ctx.metrics.gauge("frx_audit_entries", () => ctx.audit.length);

  const ingest = new Ingest(ctx);
  const scheduler = new DeadlineScheduler(ctx);
  const trustWatch = new TrustWatch(ctx);
  const calendarWatch = new CalendarWatch(ctx);
  const retentionJob = new RetentionJob(ctx);
  const ready = () => {
    const t = trust.status(config.federation.warnBeforeExpiryMs);
    // Federation is optional (a node may serve domestic referrals only), but an expired trust list fails closed.
    const checks = {
      keysLoaded: !!ctx.signer.kid,
      storeOpen: store.isOpen,
      trustListInForce: t.state !== "expired",
    };
    return { ok: Object.values(checks).every(Boolean), checks, trustList: t };
  };
  const app = createApp({ ctx, ingest, ready });
  const tls = config.tls
    ? { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) }
    : null;
  let server: Server | null = null;
  let admin: AdminListener | null = null;
  let replica: Replica | null = null;

  const node: FrxNode = {
    ctx,
    ...(options.dir ? { dir: options.dir } : {}),
    adminUrl: null,
    app,
    ingest,
    scheduler,
    async start() {
      // Before the first token is accepted: from now on a stop of the machine may lose jtis.
      await ctx.replay.begin();
      const info = await new Promise<{ port: number }>((resolve, reject) => {
        const s = serve(
          {
            fetch: app.fetch,
            hostname: config.host,
            port: config.port,
            ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
          },
          (i) => resolve(i),
        ) as Server;
        // EADDRINUSE and the like reject start() instead of crashing the process.
        s.once("error", reject);
        server = s;
      }).catch((error: unknown) => {
        server = null;
        throw error;
      });
      trustWatch.start();
      calendarWatch.start();
      // On PostgreSQL the outbox and the scheduler run on one replica at a time, under leases.
      if (store instanceof PgStore) replica = await startReplica(ctx, store, scheduler);
      else {
        scheduler.start();
        await ctx.outbox.start();
      }
      retentionJob.start();
      void wakePeers(ctx);
      const url = `${tls ? "https" : "http"}://${config.host}:${info.port}`;
      if (config.admin.enabled) {
        admin = await startAdminListener(node, options.dir);
        node.adminUrl = admin.url;
      }
      // Port 0 picks a free port: advertise the real one (unless the operator set a public URL).
      if (config.port === 0 || config.publicUrl.endsWith(":0")) config.publicUrl = url;
      ctx.logger.info("node.started", { url, ...(admin ? { admin: admin.url } : {}) });
      return { url, port: info.port };
    },
    async close() {
      await admin?.close();
      admin = null;
      node.adminUrl = null;
      await replica?.stop();
      replica = null;
      await scheduler.stop();
      trustWatch.stop();
      calendarWatch.stop();
      await retentionJob.stop();
      await ctx.outbox.stop();
      if (server) {
        const s = server as Server;
        // Stop accepting; answer long-polls now; give other requests a bounded time to finish.
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        ctx.inboxSignal.wakeAll();
        // Keep-alive connections become idle as their last response is written: close them as they do.
        const sweep = setInterval(() => s.closeIdleConnections(), 20);
        s.closeIdleConnections();
        const deadline = setTimeout(() => s.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearInterval(sweep);
        clearTimeout(deadline);
      }
      await ctx.serial.run(() => undefined);
      await peerClient.close();
      await ctx.replay.close();
      await store.close();
      await verifier.release();
      ctx.logger.info("node.closed");
    },
    async applyTrustList(signed, actor = "operator") {
      // The list and its audit entry change state together, in the node's one queue.
      const { applied, commit } = await ctx.serial.run(async () => {
        const applied = await trust.apply(signed);
        const at = clock.now().toISOString();
        return {
          applied,
          commit: store.commit(
            ctx.audit.append(at, {
              kind: "admin",
              actor,
              detail: `trust list version ${applied.list.version} applied (digest ${applied.digest})`,
            }),
          ),
        };
      });
      await commit;
      // A node that has not been started (a CLI applying a list) must not start delivering.
      await ctx.outbox.resume();
      return applied;
    },
    replicaLeases() {
      return replica?.leases.filter((l) => l.held).map((l) => l.name) ?? [];
    },
    prepareSigningKey(privateJwk) {
      ctx.keys = { ...ctx.keys, next: privateJwk };
    },
    rotateSigningKey(privateJwk) {
      const old = publicJwkOf(ctx.keys.signing);
      ctx.signer = createSigner(privateJwk);
      const { next: _held, ...keys } = ctx.keys;
      ctx.keys = { ...keys, signing: privateJwk, retired: [...(keys.retired ?? []), old] };
      logger.info("node.signing-key-rotated", { kid: ctx.signer.kid });
    },
  };
  return node;
}
