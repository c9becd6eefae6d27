import type { Readable } from "node:stream";
import { MAX_JSON_BYTES, readBounded } from "./bounds.js";
import { createSigner, type Signer } from "@frx/spec";
import { Agent, request, type Dispatcher } from "undici";
import { FrxClientError } from "./errors.js";
import type { CallOptions, ResolvedOptions } from "./options.js";
import { problemError } from "./problem.js";
import { backoffMs, retryableStatus, retryAfterMs } from "./retry.js";
import { mintAgencyToken } from "./token.js";

export interface HttpRequest extends CallOptions {
  method: "GET" | "POST" | "PUT";
  /** Path and query under the node URL, e.g. `/v1/inbox?after=3`. */
  path: string;
  /** Whether to send a fresh agency token. */
  auth: boolean;
  headers?: Record<string, string>;
  /** Builds the body for each attempt, so a retry can send the same bytes or reopen a file. */
  body?: () => string | Uint8Array | Readable;
  /** Added to the timeout, for long-polls that the node holds open on purpose. */
  extraTimeoutMs?: number;
  /**
   * Leave the response body unread for the caller. The timeout still covers the whole body:
   * when it passes, or the client closes, the body ends with `client.timeout` or `client.closed`.
   */
  streaming?: boolean;
  /** The most bytes `json` reads of a 2xx body (default 1 MiB). */
  maxBytes?: number;
}

export type Response = Dispatcher.ResponseData;
type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; error: FrxClientError; retryable: boolean; retryAfterMs?: number };

const TIMEOUT = Symbol("timeout");
const CLOSED = Symbol("closed");

/**
 * The node's HTTP API over undici: a fresh agency token per attempt, per-call timeout and
 * abort, coded errors from problem documents, and retries of the same request (network
 * faults, timeouts, 429 and 5xx) with backoff that honours `Retry-After` up to the retry
 * policy's `maxMs` and the call's timeout. The timeout covers the body too (undici's own
 * body timeout restarts with every byte), every body read is bounded, and `close()` aborts
 * whatever is still open.
 */
export class Http {
  private readonly dispatcher: Dispatcher;
  private readonly owned: boolean;
  private readonly signer: Signer;
  private closed = false;
  /** Aborts each request or streamed body still open, for close(). */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly o: ResolvedOptions,
    dispatcher: Dispatcher | undefined,
  ) {
    this.owned = !dispatcher;
    this.dispatcher = dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    this.signer = createSigner(o.privateKey);
  }

  /** Runs the request, retrying where safe; `read` consumes a 2xx response. */
  async call<T>(req: HttpRequest, read: (res: Response) => Promise<T>): Promise<T> {
    const attempts = this.o.retry.attempts;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new FrxClientError("client.closed", "the client is closed");
      const result = await this.once(req, read);
      if (result.ok) return result.value;
      if (!result.retryable || attempt >= attempts) throw result.error;
      // A node's Retry-After is a request, not an order: no wait exceeds the policy or the call's timeout.
      const delay = Math.min(
        backoffMs(attempt, this.o.retry, this.o.random, result.retryAfterMs),
        this.o.retry.maxMs,
        req.timeoutMs ?? this.o.timeoutMs,
      );
      try {
        await this.o.clock.sleep(delay, req.signal);
      } catch (cause) {
        throw new FrxClientError("client.aborted", "aborted while waiting to retry", { cause });
      }
    }
  }

  /** A 2xx JSON response, parsed. */
  json<T>(req: HttpRequest): Promise<T> {
    return this.call(req, async (res) => {
      const text = await readBounded(
        res.body,
        req.maxBytes ?? MAX_JSON_BYTES,
        req.path,
        res.statusCode,
      );
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        if (cause instanceof FrxClientError) throw cause;
        throw new FrxClientError("client.response-invalid", `${req.path}: the body is not JSON`, {
          status: res.statusCode,
          cause,
        });
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const abort of [...this.open]) abort();
    if (this.owned) await this.dispatcher.close();
  }

  private async once<T>(
    req: HttpRequest,
    read: (res: Response) => Promise<T>,
  ): Promise<Attempt<T>> {
    const user = req.signal;
    if (user?.aborted) return { ok: false, error: aborted(user.reason), retryable: false };
    const controller = new AbortController();
    const ms = (req.timeoutMs ?? this.o.timeoutMs) + (req.extraTimeoutMs ?? 0);
    // Once a streamed body is handed over, the deadline and close() end that body instead.
    let body: Readable | undefined;
    const end = (reason: typeof TIMEOUT | typeof CLOSED): void => {
      if (!body) return controller.abort(reason);
      body.destroy(
        reason === TIMEOUT
          ? new FrxClientError("client.timeout", `${req.path}: not complete in ${ms} ms`)
          : new FrxClientError("client.closed", "the client was closed during the download"),
      );
    };
    const timer = setTimeout(() => end(TIMEOUT), ms);
    const onClose = (): void => end(CLOSED);
    this.open.add(onClose);
    const onAbort = (): void => controller.abort(user?.reason);
    user?.addEventListener("abort", onAbort, { once: true });
    let keepListening = false;
    const release = (): void => {
      clearTimeout(timer);
      this.open.delete(onClose);
      user?.removeEventListener("abort", onAbort);
    };
    try {
      const headers = { ...req.headers };
      if (req.auth) headers.authorization = `Bearer ${await this.token()}`;
      const res = await request(`${this.o.nodeUrl}${req.path}`, {
        method: req.method,
        headers,
        body: req.body?.() ?? null,
        dispatcher: this.dispatcher,
        signal: controller.signal,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const value = await read(res);
        if (req.streaming === true) {
          keepListening = true;
          body = res.body;
          res.body.once("close", release);
        }
        return { ok: true, value };
      }
      return {
        ok: false,
        error: await problemError(res, req.path),
        retryable: retryableStatus(res.statusCode),
        ...optional(retryAfterMs(res.headers["retry-after"], this.o.clock.now())),
      };
    } catch (cause) {
      if (cause instanceof FrxClientError) return { ok: false, error: cause, retryable: false };
      if (controller.signal.reason === TIMEOUT) {
        const error = new FrxClientError("client.timeout", `${req.path}: no answer in ${ms} ms`);
        return { ok: false, error, retryable: true };
      }
      if (controller.signal.reason === CLOSED)
        return {
          ok: false,
          error: new FrxClientError("client.closed", "the client was closed during the call"),
          retryable: false,
        };
      if (user?.aborted) return { ok: false, error: aborted(cause), retryable: false };
      const error = new FrxClientError("client.network", `${req.path}: ${String(cause)}`, {
        cause,
      });
      return { ok: false, error, retryable: true };
    } finally {
      if (!keepListening) release();
    }
  }

  private token(): Promise<string> {
    return mintAgencyToken(this.signer, {
      issuer: this.o.participant,
      audience: this.o.node,
      now: this.o.clock.now(),
      lifetimeSeconds: this.o.tokenLifetimeSeconds,
    });
  }
}

function aborted(cause: unknown): FrxClientError {
  return new FrxClientError("client.aborted", "the call was aborted", { cause });
}

function optional(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}
