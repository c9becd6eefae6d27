import type pg from "pg";
import type { Logger } from "../runtime/logger.js";
import { connect, lockSpace, type PgTarget } from "../store/postgres/connect.js";

/**
 * A job that runs on one replica at a time: whoever holds a session advisory lock runs it.
 * Replicas that do not hold it try again every `pollMs`; when the holder dies its session
 * ends, the lock is free, and the next try takes it. If the lease's own connection is lost,
 * the job stops at once (another replica may have taken it) and the lease is sought anew.
 */
export class Lease {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  held = false;

  constructor(
    private readonly target: PgTarget,
    private readonly id: number,
    readonly name: string,
    private readonly job: { start: () => Promise<void> | void; stop: () => Promise<void> },
    private readonly logger: Logger,
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = this.busy.then(() => this.attempt()).catch(() => undefined);
    }, ms);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const client = await connect(this.target);
        client.on("error", () => void this.lost(client));
        this.client = client;
      }
      const { rows } = await this.client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock($1, $2) AS ok",
        [lockSpace(this.target.schema), this.id],
      );
      if (rows[0]!.ok && !this.stopped) {
        this.held = true;
        this.logger.info("lease.acquired", { lease: this.name });
        await this.job.start();
        return; // held until the session ends or stop()
      }
    } catch (error) {
      this.logger.warn("lease.unavailable", { lease: this.name, error: String(error) });
      await this.drop();
    }
    this.schedule(this.pollMs);
  }

  private async lost(client: pg.Client): Promise<void> {
    if (client !== this.client) return;
    this.busy = this.busy.then(async () => {
      await this.drop();
      this.schedule(this.pollMs);
    });
    await this.busy;
  }

  /** Stops the job if it ran here and forgets the connection. */
  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (this.held) {
      this.held = false;
      this.logger.warn("lease.lost", { lease: this.name });
      await this.job.stop();
    }
    await client?.end().catch(() => undefined);
  }

  /** Stops the job and lets the lease go (ending the session frees the lock). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
    if (this.held) {
      this.held = false;
      await this.job.stop();
      this.logger.info("lease.released", { lease: this.name });
    }
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
