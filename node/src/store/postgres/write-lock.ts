import type pg from "pg";
import { LOCKS } from "./connect.js";

/**
 * The cluster's write lock: a PostgreSQL session advisory lock held on the writer connection.
 * A replica holds it while it reads-then-writes state (its serial queue) and until those writes
 * are committed; so replicas sharing a database take turns, each seeing the other's writes,
 * and the audit chain, inbox cursor and idempotency checks stay one sequence. If the replica
 * dies, its session ends and the lock passes on; its uncommitted transaction is rolled back.
 *
 * Holding is re-entrant across concurrent users of one process (`enter`/`leave` count them);
 * the lock is released when the process is idle, or after `maxHoldMs` of continuous use new
 * users wait so that a replica waiting in PostgreSQL's lock queue gets its turn.
 */
export class WriteLock {
  private held = false;
  private heldSince = 0;
  private inside = 0;
  private acquiring: Promise<void> | null = null;
  private releasing: Promise<void> | null = null;
  private gate: { promise: Promise<void>; open: () => void } | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly space: number,
    /** Runs once the lock is taken, before anyone uses it (the staleness check). */
    private readonly taken: () => Promise<void>,
    /** Whether the store has nothing queued, deferred or being written (it writes deferred ops). */
    private readonly settled: () => boolean,
    private readonly maxHoldMs = 50,
  ) {}

  /** Held by this process and usable now (no acquisition or release in progress). */
  get holding(): boolean {
    return this.held && this.acquiring === null && this.releasing === null;
  }

  async enter(): Promise<void> {
    while (this.gate) await this.gate.promise;
    this.inside++;
    try {
      await this.acquire();
    } catch (error) {
      this.inside--;
      throw error;
    }
  }

  leave(): void {
    this.inside--;
    if (!this.gate && this.held && Date.now() - this.heldSince > this.maxHoldMs) {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      this.gate = { promise, open };
    }
    this.poke();
  }

  /** Checks, once the event loop has moved on, whether the lock can be let go. */
  poke(): void {
    setImmediate(() => void this.release().catch(() => undefined));
  }

  private async acquire(): Promise<void> {
    if (this.releasing) await this.releasing;
    if (this.held && !this.acquiring) return;
    this.acquiring ??= (async () => {
      await this.client.query("SELECT pg_advisory_lock($1, $2)", [this.space, LOCKS.write]);
      this.held = true;
      this.heldSince = Date.now();
      await this.taken();
    })().finally(() => (this.acquiring = null));
    await this.acquiring;
  }

  private async release(): Promise<void> {
    if (!this.held || this.inside > 0 || this.acquiring || this.releasing) return;
    if (!this.settled()) return; // the store pokes again when its writes settle
    this.releasing = (async () => {
      this.held = false;
      await this.client.query("SELECT pg_advisory_unlock($1, $2)", [this.space, LOCKS.write]);
    })().finally(() => {
      this.releasing = null;
      const gate = this.gate;
      this.gate = null;
      gate?.open();
    });
    await this.releasing;
  }
}
