import { Agent, request, type Dispatcher } from "undici";
import { ConformanceFailure } from "./check.js";

/** One HTTP answer, read in full. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  bytes: Buffer;
  /** The body as JSON; a ConformanceFailure when it is not JSON. */
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Use a connection of its own, closed afterwards (for bodies the node may cut off). */
  isolate?: boolean;
}

/**
 * Raw HTTP to the node under test over undici: the harness must be able to send what an
 * SDK would refuse (malformed JWS, wrong media types, oversize bodies), so nothing here
 * validates. Every call has a bounded timeout.
 */
export class Http {
  private readonly dispatcher: Dispatcher;

  constructor(
    readonly base: string,
    private readonly timeoutMs = 15_000,
  ) {
    this.dispatcher = new Agent({ keepAliveTimeout: 5_000, connections: 16 });
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    if (!options.isolate) {
      try {
        return await this.once(method, path, options, this.dispatcher);
      } catch (error) {
        // A connection the node closed after an earlier refusal: idempotent calls try once more.
        if (method !== "GET" || !isSocketError(error)) throw error;
        return this.once(method, path, options, this.dispatcher);
      }
    }
    const own = new Agent({ pipelining: 0 });
    try {
      return await this.once(method, path, options, own);
    } finally {
      await own.destroy();
    }
  }

  private async once(
    method: string,
    path: string,
    options: CallOptions,
    dispatcher: Dispatcher,
  ): Promise<Reply> {
    const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      dispatcher,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const text = bytes.toString("utf8");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    return {
      status: res.statusCode,
      headers,
      text,
      bytes,
      json<T>() {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new ConformanceFailure(
            `${method} ${path} answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`,
          );
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function isSocketError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE";
}
