import type { AppContext } from "../context.js";
import { PeerWorker } from "./peer-worker.js";

/**
 * The per-peer outboxes: one worker per peer, each with at most one transaction in flight.
 * Ingest queues envelopes in the store and calls `notify`; an inbound transaction or a wake
 * from a peer calls `heardFrom`, which resets that peer's backoff and retries at once.
 */
export class Outbox {
  private readonly workers = new Map<string, PeerWorker>();
  private running = false;

  constructor(private readonly ctx: AppContext) {}

  /** Starts a worker for every peer that has something queued (after a restart too). */
  async start(): Promise<void> {
    this.running = true;
    const peers = new Set<string>();
    for (const [key] of await this.ctx.store.range("outbox")) peers.add(key.split("!")[1]!);
    for (const peer of peers) this.worker(peer).kick();
  }

  /**
   * After a trust list change: rescans the queues and kicks their workers, but only on an
   * outbox that has been started, so a list applied to a stopped node delivers nothing.
   */
  async resume(): Promise<void> {
    if (this.running) await this.start();
  }

  notify(peer: string): void {
    if (this.running) this.worker(peer).kick();
  }

  heardFrom(peer: string): void {
    if (this.running) this.worker(peer).resetBackoff();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }

  /** Test and ops hook: the state of each peer's queue. */
  status(): Record<string, ReturnType<PeerWorker["status"]>> {
    return Object.fromEntries([...this.workers].map(([peer, w]) => [peer, w.status()]));
  }

  private worker(peer: string): PeerWorker {
    let w = this.workers.get(peer);
    if (!w) {
      w = new PeerWorker(this.ctx, peer);
      this.workers.set(peer, w);
    }
    return w;
  }
}
