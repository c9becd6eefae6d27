import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { trustListDigest, type Types, type VerifiedTrustList } from "@frx/spec";
import type { Kit } from "../kit/load.js";
import { PEER_AGENCY } from "../kit/agencies.js";
import { peerApp } from "./app.js";
import { Script, type Arrival, type NoticeArrival } from "./behaviour.js";
import { PeerDocuments } from "./documents.js";
import { PeerFiles } from "./files.js";

/**
 * The harness peer node (XA) on loopback, at the URL its trust-list entry names. It
 * serves its directory, opens the node under test's transactions and answers as scripted,
 * and keeps every arrival for tests to inspect.
 */
export class PeerNode {
  readonly script = new Script();
  readonly arrivals: Arrival[] = [];
  readonly wakes: string[] = [];
  /** Erasure notices the node under test sent (FRX-DP-013), oldest first, with the answer given. */
  readonly erasureNotices: NoticeArrival[] = [];
  /** Statuses the notice route answers with, one per notice, before it accepts (then 200). */
  readonly noticeFailures: number[] = [];
  /** Requests to the decoy endpoint the peer's metadata advertises (FRX-FED-003: none). */
  readonly decoys: string[] = [];
  readonly docs: PeerDocuments;
  /** Files the node under test transferred to the peer (the attachment route). */
  readonly files = new PeerFiles();
  private server: Server | null = null;
  private release!: () => void;

  constructor(
    private readonly kit: Kit,
    /** The trust list as the harness sees it, with the node under test in it. */
    private readonly trustList: Types.TrustList,
  ) {
    const peer = kit.manifest.peer;
    this.docs = new PeerDocuments(peer.node, PEER_AGENCY, kit.secrets, peer.url);
  }

  get node(): string {
    return this.docs.node;
  }

  async start(): Promise<void> {
    const url = new URL(this.kit.manifest.peer.url);
    const stopping = new Promise<void>((resolve) => (this.release = resolve));
    const trust: VerifiedTrustList = {
      list: this.trustList,
      digest: trustListDigest(this.kit.genesis),
      signedBy: [],
      signed: this.kit.genesis,
    };
    const app = peerApp({
      docs: this.docs,
      decryptionKey: this.kit.secrets.nodes[this.node]!.encryption,
      trust: () => trust,
      script: this.script,
      arrivals: this.arrivals,
      wakes: this.wakes,
      erasureNotices: this.erasureNotices,
      noticeFailures: this.noticeFailures,
      decoys: this.decoys,
      suspended: this.kit.manifest.peer.suspended,
      stopping,
      files: this.files,
    });
    await new Promise<void>((resolve, reject) => {
      const s = serve(
        { fetch: app.fetch, hostname: url.hostname, port: Number(url.port || 80) },
        () => resolve(),
      ) as Server;
      s.once("error", reject);
      this.server = s;
    });
  }

  /** Envelopes (JWS) that arrived in opened transactions, oldest first, with their txnIds. */
  envelopes(): Array<{
    jws: string;
    txnId: string;
    pathTxnId: string;
    answer: string;
    at: number;
  }> {
    return this.arrivals.flatMap((a) =>
      (a.txn?.envelopes ?? []).map((jws) => ({
        jws,
        txnId: a.txn!.txnId,
        pathTxnId: a.pathTxnId,
        answer: a.answer,
        at: a.at,
      })),
    );
  }

  async stop(): Promise<void> {
    this.release();
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
