import type pg from "pg";
import type { AppContext } from "../context.js";
import type { DeadlineScheduler } from "../jobs/deadline-scheduler.js";
import { Mutex } from "../pipeline/mutex.js";
import { connect, LOCKS } from "../store/postgres/connect.js";
import type { ChangeNotice } from "../store/postgres/notice.js";
import type { PgStore } from "../store/postgres/pg-store.js";
import { Lease } from "./lease.js";

/**
 * The node's one serial queue, extended across replicas: each task runs holding the cluster
 * write lock, so a read-then-write (an idempotency check, a state transition, an inbox
 * cursor) sees every other replica's committed writes and none slips in between.
 */
export class ClusterMutex extends Mutex {
  constructor(private readonly store: PgStore) {
    super();
  }

  override run<T>(task: () => Promise<T> | T): Promise<T> {
    return super.run(() => this.store.locked(task));
  }
}

/**
 * What a replica caches of the shared state and must reload when another replica wrote
 * since it last held the write lock: the audit chain's head and the two sequences.
 */
export async function reloadShared(ctx: AppContext): Promise<void> {
  await ctx.audit.load();
  ctx.cursor.value = (await ctx.store.get<number>("meta", "inboxCursor")) ?? 0;
  ctx.outboxSeq.value = (await ctx.store.get<number>("meta", "outboxSeq")) ?? 0;
}

/** Makes `ctx` a replica: the cluster serial queue and the reload on a stale lock. */
export function joinCluster(ctx: AppContext, store: PgStore): void {
  ctx.serial = new ClusterMutex(store);
  store.stale = () => reloadShared(ctx);
}

export interface Replica {
  leases: Lease[];
  stop(): Promise<void>;
}

/**
 * Starts what a replica runs besides serving requests: the outbox worker and the deadline
 * scheduler under leases (one replica at a time each), and a LISTEN on the store's channel
 * that wakes long-polls and the outbox for other replicas' writes and reloads the directory
 * and trust list when another replica changed them.
 */
export async function startReplica(
  ctx: AppContext,
  store: PgStore,
  scheduler: DeadlineScheduler,
): Promise<Replica> {
  const leases = [
    new Lease(store.target, LOCKS.outbox, "outbox", ctx.outbox, ctx.logger),
    new Lease(
      store.target,
      LOCKS.scheduler,
      "deadline-scheduler",
      { start: () => scheduler.start(), stop: () => scheduler.stop() },
      ctx.logger,
    ),
  ];
  const listener = new Listener(ctx, store);
  await listener.start();
  for (const lease of leases) lease.start();
  return {
    leases,
    async stop() {
      await Promise.all(leases.map((l) => l.stop()));
      await listener.stop();
    },
  };
}

class Listener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly store: PgStore,
  ) {}

  async start(): Promise<void> {
    const client = await connect(this.store.target);
    client.on("notification", (n) => {
      if (n.payload) this.heard(JSON.parse(n.payload) as ChangeNotice);
    });
    client.on("error", (error) => {
      if (client !== this.client) return;
      this.client = null;
      this.ctx.logger.warn("replica.listen-lost", { error: String(error) });
      void client.end().catch(() => undefined);
      this.reconnect();
    });
    await client.query(`LISTEN ${this.store.channel}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.start()
        .then(() => {
          // Notices sent while deaf are lost: wake every long-poll and rescan the outboxes.
          this.ctx.inboxSignal.notifyAll();
          return this.ctx.outbox.resume();
        })
        .catch(() => this.reconnect());
    }, 1000);
    this.retry.unref();
  }

  private heard(notice: ChangeNotice): void {
    if (notice.replica === this.store.replica) return;
    if (notice.all) this.ctx.inboxSignal.notifyAll();
    else for (const p of notice.inbox) this.ctx.inboxSignal.notify(p);
    for (const peer of notice.outbox) this.ctx.outbox.notify(peer);
    const reload = (what: string, task: Promise<void>) =>
      task.catch((error: unknown) =>
        this.ctx.logger.error("replica.reload-failed", { what, error: String(error) }),
      );
    if (notice.aggregates.includes("participants") || notice.aggregates.includes("keys"))
      void reload("directory", this.ctx.directory.load());
    if (notice.aggregates.includes("trust")) void reload("trust", this.ctx.trust.load());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
