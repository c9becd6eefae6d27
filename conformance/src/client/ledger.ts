import type { AnyMessage } from "@frx/spec";
import type { TokenVerdict } from "./tokens.js";

/** How the stand-in node deviates from a plain node for one scenario's first new envelope. */
export type Fault =
  /** 429 request.rate-limited with Retry-After: 2 to the first submission; then as usual. */
  | "rate-limited"
  /** 503 node.not-ready with Retry-After: 2 to the first submission; then as usual. */
  | "not-ready"
  /** Stored, then the connection is closed without an answer; a resend gets 200 duplicate. */
  | "drop"
  /** 409 idempotency.conflict to every submission of it. */
  | "conflict"
  /** Stored, answered with a receipt signed by a key that is not the node's. */
  | "receipt-stranger"
  /** Stored, answered with a receipt echoing another digest. */
  | "receipt-digest";

/** The seconds the stand-in node's Retry-After asks for. */
export const RETRY_AFTER_SECONDS = 2;

/** One POST /v1/envelopes as the stand-in node saw and answered it. */
export interface Submission {
  /** When the request arrived and when its answer was sent (the suite's clock, ms). */
  at: number;
  answeredAt: number;
  jws: string;
  /** The envelope's id, when the JWS verified. */
  messageId?: string;
  /** The referral it is a message of, when it verified and names one. */
  referral?: string;
  /** The envelope, when it verified. */
  message?: AnyMessage;
  /** Why the JWS did not verify (a node's refusal code and its message). */
  invalid?: string;
  status: number;
  code?: string;
  retryAfter?: number;
  /** The connection was closed without an answer. */
  dropped?: boolean;
  receipt?: string;
  /** The fault this answer played. */
  fault?: Fault;
}

/** One agency token the stand-in node received, judged. */
export interface TokenUse {
  at: number;
  route: string;
  verdict: TokenVerdict;
  /** The jti was seen before in this run (in this scenario or an earlier one). */
  replayed: boolean;
}

/** What the stand-in node saw during one scenario. */
export class Ledger {
  /** When the scenario began (the suite's clock, ms). */
  readonly startedAt = Date.now();
  readonly submissions: Submission[] = [];
  readonly tokens: TokenUse[] = [];
  readonly requests: string[] = [];
  readonly acked: number[] = [];
  /** Files the client uploaded (PUT /v1/attachments/{sha256}). */
  readonly uploads: Array<{ sha256: string; size: number; mediaType: string }> = [];

  /** Writes one submission and its answer to the ledger; resolves to the answer to send. */
  async record(s: {
    at: number;
    jws: string;
    id?: string;
    ref?: string | undefined;
    message?: AnyMessage;
    invalid?: string;
    fault?: Fault;
    dropped?: boolean;
    answer: Response;
  }): Promise<Response> {
    const body = ((await s.answer.clone().json()) ?? {}) as { code?: string; receipt?: string };
    const retryAfter = s.answer.headers.get("retry-after");
    this.submissions.push({
      at: s.at,
      answeredAt: Date.now(),
      jws: s.jws,
      ...(s.id ? { messageId: s.id } : {}),
      ...(s.ref ? { referral: s.ref } : {}),
      ...(s.message ? { message: s.message } : {}),
      ...(s.invalid ? { invalid: s.invalid } : {}),
      status: s.dropped ? 0 : s.answer.status,
      ...(body.code ? { code: body.code } : {}),
      ...(retryAfter ? { retryAfter: Number(retryAfter) } : {}),
      ...(s.dropped ? { dropped: true } : {}),
      ...(body.receipt ? { receipt: body.receipt } : {}),
      ...(s.fault ? { fault: s.fault } : {}),
    });
    return s.answer;
  }

  /** Submissions of one message id, oldest first. */
  of(messageId: string): Submission[] {
    return this.submissions.filter((s) => s.messageId === messageId);
  }

  /** The submission a fault was played on first, if any. */
  faulted(): Submission | undefined {
    return this.submissions.find((s) => s.fault !== undefined);
  }
}
