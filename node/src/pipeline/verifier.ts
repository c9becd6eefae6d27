import { availableParallelism } from "node:os";
import { VerifyPool } from "@frx/spec";

/**
 * The envelope verification threads of this process. Nodes in one process (tests, the demo)
 * share the pool of a given size; it is closed when the last node using it closes. Its threads
 * do not keep the process alive while idle.
 */
const pools = new Map<number, { pool: VerifyPool; users: number }>();

export interface VerifierHandle {
  pool: VerifyPool;
  release(): Promise<void>;
}

/** The number of threads a node uses when its config sets none: one per core. */
export function defaultVerifyThreads(): number {
  return availableParallelism();
}

export function acquireVerifier(threads: number): VerifierHandle {
  let entry = pools.get(threads);
  if (!entry) {
    entry = { pool: new VerifyPool(threads), users: 0 };
    pools.set(threads, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    pool: held.pool,
    async release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0 && pools.get(threads) === held) {
        pools.delete(threads);
        await held.pool.close();
      }
    },
  };
}
