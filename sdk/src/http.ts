import type { Readable } from "node:stream";
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
  /** Leave the response body unread for the caller; the timeout then covers the headers only. */
  streaming?: boolean;
}

export type Response = Dispatcher.ResponseData;
type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; error: FrxClientError; retryable: boolean; retryAfterMs?: number };

const TIMEOUT = Symbol("timeout");

/**
 * The node's HTTP API over undici: a fresh agency token per attempt, per-call timeout and
 * abort, coded errors from problem documents, and retries of the same request (network
 * faults, timeouts, 429 and 5xx) with backoff that honours `Retry-After`.
 */
export class Http {
  private readonly dispatcher: Dispatcher;
  private readonly owned: boolean;
  private readonly signer: Signer;
  private closed = false;

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
      const delay = backoffMs(attempt, this.o.retry, this.o.random, result.retryAfterMs);
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
      try {
        return (await res.body.json()) as T;
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
    const timer = setTimeout(() => controller.abort(TIMEOUT), ms);
    const onAbort = (): void => controller.abort(user?.reason);
    user?.addEventListener("abort", onAbort, { once: true });
    let keepListening = false;
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
        keepListening = req.streaming === true;
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
      if (user?.aborted) return { ok: false, error: aborted(cause), retryable: false };
      const error = new FrxClientError("client.network", `${req.path}: ${String(cause)}`, {
        cause,
      });
      return { ok: false, error, retryable: true };
    } finally {
      clearTimeout(timer);
      if (!keepListening) user?.removeEventListener("abort", onAbort);
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
