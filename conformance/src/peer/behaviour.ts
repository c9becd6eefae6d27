/**
 * How the harness peer answers the next transaction from the node under test:
 * - accept: decrypt, verify, answer with a signed reply and a receipt per envelope;
 * - status: answer with this HTTP status and no reply (e.g. 503);
 * - hang: never answer (the node's own request timeout ends it);
 * - reject: answer with a signed reply refusing every envelope with `code`;
 * - bad-receipt: answer with receipts that echo a wrong digest, name another message, or
 *   come from another node (signed by the suspended harness member);
 * - bad-reply: answer with a reply for another txnId (not a valid reply).
 */
export type Answer =
  | { kind: "accept" }
  | { kind: "status"; status: number }
  | { kind: "hang" }
  | { kind: "reject"; code: string }
  | { kind: "bad-receipt"; fault: "digest" | "message" | "node" }
  | { kind: "bad-reply" };

/** One transaction as it reached the peer, opened or not. */
/** An erasure notice as it reached the harness peer, and the status it was answered with. */
export interface NoticeArrival {
  at: number;
  contentType: string;
  /** The request body: the compact JWS the node sent. */
  jws: string;
  status: number;
}

export interface Arrival {
  /** The txnId in the request path. */
  pathTxnId: string;
  at: number;
  /** The request's media type and the JWE's protected header, as sent. */
  contentType: string;
  jweHeader?: Record<string, unknown>;
  /** What the peer answered. */
  answer: Answer["kind"];
  /** Set when the transaction decrypted and its node signature verified. */
  txn?: { txnId: string; origin: string; destination: string; sentAt: string; envelopes: string[] };
  /** Why the peer could not open it. */
  error?: string;
}

/** A queue of scripted answers; when it is empty the default applies. */
export class Script {
  private queue: Answer[] = [];
  private fallback: Answer = { kind: "accept" };

  /** Answers the next transactions with `answers` in turn, then with `then`. */
  set(answers: Answer[], then: Answer = { kind: "accept" }): void {
    this.queue = [...answers];
    this.fallback = then;
  }

  next(): Answer {
    return this.queue.shift() ?? this.fallback;
  }

  reset(): void {
    this.set([]);
  }
}
