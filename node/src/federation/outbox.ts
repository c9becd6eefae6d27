import type { AppContext } from "../context.js";
import { NoticeSender } from "../privacy/notice-delivery.js";
import { PeerWorker } from "./peer-worker.js";

/**
 * The per-peer outboxes: one worker per peer, each with a window of transactions in flight
 * (FRX-FED-047).
 * Ingest queues envelopes in the store and calls `notify`; an inbound transaction or a wake
 * from a peer calls `heardFrom`, which resets that peer's backoff and retries at once.
 */
export class Outbox {
  private readonly workers = new Map<string, PeerWorker>();
  private running = false;
  /** Erasure notices to the parties' nodes (FRX-DP-013), sent alongside the envelopes. */
  readonly notices: NoticeSender;

  constructor(private readonly ctx: AppContext) {
    this.notices = new NoticeSender(ctx);
  }

  /** Starts a worker for every peer that has something queued (after a restart too). */
  async start(): Promise<void> {
    this.running = true;
    this.notices.start();
    for (const peer of await this.queuedPeers()) this.worker(peer).kick();
  }

  /**
   * After a trust list change: rescans the queues and kicks their workers, but only on an
   * outbox that has been started, so a list applied to a stopped node delivers nothing.
   */
  async resume(): Promise<void> {
    if (this.running) await this.start();
  }

  /**
   * The peers with anything queued or in flight: one read per peer, skipping over each one's
   * keys (`q!<peer>!<seq>`, `txn!<peer>!<txnId>`), so that a start does not read a whole backlog.
   */
  private async queuedPeers(): Promise<Set<string>> {
    const peers = new Set<string>();
    let from = "";
    for (;;) {
      const [first] = await this.ctx.store.range("outbox", { gte: from, limit: 1 });
      if (!first) return peers;
      const [kind, peer] = first[0].split("!") as [string, string | undefined];
      if (peer === undefined) {
        from = `${first[0]}\u0000`;
        continue;
      }
      peers.add(peer);
      // Past every key of this kind and peer ("~" sorts after the digits and "!").
      from = `${kind}!${peer}~`;
    }
  }

  notify(peer: string): void {
    if (this.running) this.worker(peer).kick();
  }

  heardFrom(peer: string): void {
    if (!this.running) return;
    this.worker(peer).resetBackoff();
    this.notices.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.notices.stop();
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
