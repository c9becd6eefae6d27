import type { Signer, VerifyPool } from "@frx/spec";
import type { NodeConfig } from "./config/config.js";
import type { NodeKeys } from "./config/keys.js";
import type { AuditLog } from "./domain/audit.js";
import type { Directory } from "./domain/directory.js";
import type { Clock, IdGenerator } from "./runtime/clock.js";
import type { Logger } from "./runtime/logger.js";
import type { Metrics } from "./runtime/metrics.js";
import type { Store } from "./store/store.js";
import type { AttachmentStore } from "./store/attachments.js";
import type { ReplayGuard } from "./http/auth/replay.js";
import type { Cursor } from "./pipeline/inbox-ops.js";
import type { Mutex } from "./pipeline/mutex.js";
import type { TrustState } from "./federation/trust-state.js";
import type { PeerDirectories } from "./federation/peer-directory.js";
import type { PeerClient } from "./federation/peer-client.js";
import type { Outbox } from "./federation/outbox.js";

/**
 * Everything a handler or job needs, built once by createNode and passed in. Handlers stay
 * thin: they parse, call into the pipeline or a reader, and map errors to problems.
 */
export interface AppContext {
  config: NodeConfig;
  keys: NodeKeys;
  signer: Signer;
  store: Store;
  attachments: AttachmentStore;
  directory: Directory;
  audit: AuditLog;
  replay: ReplayGuard;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  metrics: Metrics;
  /** Verifies envelopes on worker threads, off the serial path. */
  verifier: VerifyPool;
  /** The one queue through which every state change runs, in order. */
  serial: Mutex;
  /** The node-wide inbox cursor. */
  cursor: Cursor;
  /** The outbox sequence. */
  outboxSeq: Cursor;
  /** Federation: the trust list in force, peers' directories, the HTTP client to peers, the outboxes. */
  trust: TrustState;
  peers: PeerDirectories;
  peerClient: PeerClient;
  outbox: Outbox;
  /** Wakes inbox long-polls waiting for a participant. */
  inboxSignal: InboxSignal;
}

/** Lets long-polling readers wait for new items instead of sleeping. */
export class InboxSignal {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Set by wakeAll on shutdown: a poll that starts waiting after it is answered at once. */
  private closing = false;

  wait(participant: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(participant) ?? new Set();
      this.waiters.set(participant, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done);
      set.add(done);
    });
  }

  /** Answers every waiting long-poll now (on shutdown). */
  wakeAll(): void {
    this.closing = true;
    this.notifyAll();
  }

  /** Wakes every waiting long-poll to read again (another replica's write touched many). */
  notifyAll(): void {
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  notify(participant: string): void {
    for (const wake of [...(this.waiters.get(participant) ?? [])]) wake();
  }
}
