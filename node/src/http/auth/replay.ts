import { FrxError } from "@frx/spec";
import type { Clock } from "../../runtime/clock.js";
import { PgStore } from "../../store/postgres/pg-store.js";
import type { Store } from "../../store/store.js";

/**
 * Remembers every agency token's `jti` until the token expires (plus skew), on disk, so a
 * token cannot be replayed even across a restart.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly skewMs: number,
  ) {}

  async load(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const [jti, exp] of await this.store.range<number>("jti"))
      if (exp + this.skewMs > now) this.seen.set(jti, exp);
  }

  /** Records the jti, or throws `auth.token-replayed` if it was used before. Resolves once stored. */
  async use(issuer: string, jti: string, expMs: number): Promise<void> {
    const key = `${issuer}\u0000${jti}`;
    // Checked and recorded synchronously: two concurrent uses of one jti cannot both pass.
    // Every unexpired jti on disk was loaded into `seen` at start.
    if (this.seen.has(key)) {
      throw new FrxError("auth.token-replayed", "this token's jti has been used before");
    }
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
    else await store.commit([op]);
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
