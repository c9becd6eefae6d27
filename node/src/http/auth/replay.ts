import { readFile } from "node:fs/promises";
import { FrxError } from "@frx/spec";
import type { Clock } from "../../runtime/clock.js";
import { PgStore } from "../../store/postgres/pg-store.js";
import type { Store } from "../../store/store.js";

/** How the node last ran, kept in the replay store beside the jtis (no jti key starts with NUL). */
const RUN_KEY = "\u0000run";

interface RunRecord {
  /** The operating system's boot id when the node started; null where it has none. */
  boot: string | null;
  startedAt: number;
  /** True once the node closed cleanly: every jti it recorded was synced. */
  closed: boolean;
}

/** Linux's id of this boot of the machine: a new one after every reboot, a power failure's too. */
export async function bootId(): Promise<string | null> {
  const id = await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => "");
  return id.trim() || null;
}

/**
 * Remembers every token's `jti` until the token expires (plus skew), so that a token is good
 * for one call, across restarts too (FRX-SIG-024, FRX-API-032).
 *
 * A jti is written to the store without an fsync (`commitUnsynced`): the write(2) is done
 * before the call goes on, so the jti is in the operating system's page cache and survives a
 * kill of the process; the next synced write (any envelope, the node's close) puts it on disk.
 * Only a crash of the machine itself (a power failure, a kernel panic) can lose the last ones.
 * The node tells such a stop from a process kill by the machine's boot id: when it did not
 * close cleanly and the machine has booted since (or it cannot tell), it refuses every token
 * issued before it started, plus the skew, until such tokens have expired (the fence).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  /** Tokens whose `iat` is before this are refused, while now is before `fenceUntil`. */
  private fence = 0;
  private fenceUntil = 0;
  private run: RunRecord | null = null;
  /**
   * Jtis found expired at load, deleted when the node begins to serve: only `seen` is pruned
   * while it runs, so those that expired while it was stopped would stay on disk, and be read
   * at every start, for good.
   */
  private expired: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly skewMs: number,
    /** The longest an agency or operator token may live here. */
    private readonly maxLifetimeMs: number = 300_000,
    private readonly boot: () => Promise<string | null> = bootId,
  ) {}

  /** Loads the unexpired jtis; returns true when it raised the fence after a crash of the machine. */
  async load(): Promise<boolean> {
    const now = this.clock.now().getTime();
    for (const [jti, exp] of await this.store.range<number>("jti", { gt: RUN_KEY }))
      if (exp + this.skewMs > now) this.seen.set(jti, exp);
      else this.expired.push(jti);
    // On PostgreSQL every jti is committed durably, and replicas start and stop independently.
    if (this.store instanceof PgStore) return false;
    const last = await this.store.get<RunRecord>("jti", RUN_KEY);
    const lost =
      !!last && !last.closed && (last.boot === null || last.boot !== (await this.boot()));
    if (lost) {
      this.fence = now + this.skewMs;
      this.fenceUntil = this.fence + this.maxLifetimeMs + this.skewMs;
    }
    return lost;
  }

  /**
   * Records, synced, that the node serves from now on (its listener opens): until `close`, a
   * stop of the machine may lose jtis. A node opened by an offline tool writes none.
   */
  async begin(): Promise<void> {
    const forget = this.expired.map((key) => ({
      type: "del" as const,
      aggregate: "jti" as const,
      key,
    }));
    this.expired = [];
    if (this.store instanceof PgStore) {
      if (forget.length > 0) await this.store.commit(forget);
      return;
    }
    this.run = { boot: await this.boot(), startedAt: this.clock.now().getTime(), closed: false };
    await this.store.commit([
      ...forget,
      { type: "put", aggregate: "jti", key: RUN_KEY, value: this.run },
    ]);
  }

  /** Marks a clean stop, synced: every jti written before it is on disk with it. */
  async close(): Promise<void> {
    if (!this.run || !this.store.isOpen) return;
    this.run = { ...this.run, closed: true };
    await this.store.commit([{ type: "put", aggregate: "jti", key: RUN_KEY, value: this.run }]);
  }

  /**
   * Records the jti, or throws `auth.token-replayed` if it was used before, or if it was issued
   * before the fence (it may have been used before a crash that lost its record). Resolves once
   * written (FRX-API-032: to the operating system, not necessarily to the disk).
   */
  async use(issuer: string, jti: string, expMs: number, iatMs: number): Promise<void> {
    const key = `${issuer}\u0000${jti}`;
    // Checked and recorded synchronously: two concurrent uses of one jti cannot both pass.
    // Every unexpired jti on disk was loaded into `seen` at start.
    if (this.seen.has(key)) {
      throw new FrxError("auth.token-replayed", "this token's jti has been used before");
    }
    if (iatMs < this.fence && this.clock.now().getTime() < this.fenceUntil)
      throw new FrxError(
        "auth.token-replayed",
        "this token was issued before the node restarted after its machine stopped without syncing its replay store; it may have been used then: send a fresh token",
      );
    this.seen.set(key, expMs);
    const op = { type: "put" as const, aggregate: "jti" as const, key, value: expMs };
    const store = this.store;
    if (store instanceof PgStore)
      // Replicas share the database, not `seen`: check and record it under the write lock.
      await store.locked(async () => {
        if ((await store.get<number>("jti", key)) !== undefined)
          throw new FrxError("auth.token-replayed", "this token's jti has been used before");
        await store.commit([op]);
      });
    else await store.commitUnsynced([op]);
    this.prune();
  }

  private prune(): void {
    if (this.seen.size < 10_000) return;
    const now = this.clock.now().getTime();
    const ops = [];
    for (const [k, exp] of this.seen) {
      if (exp + this.skewMs < now) {
        this.seen.delete(k);
        ops.push({ type: "del" as const, aggregate: "jti" as const, key: k });
      }
    }
    if (ops.length > 0) void this.store.commit(ops).catch(() => undefined);
  }
}
