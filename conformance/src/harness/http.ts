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
  /** A longer deadline for this call (a 23 MB transaction on a loaded machine). */
  timeoutMs?: number;
}

/**
 * Raw HTTP to the node under test over undici: the harness must be able to send what an
 * SDK would refuse (malformed JWS, wrong media types, oversize bodies), so nothing here
 * validates. The node under test is not trusted either: every call has one deadline for the
 * whole answer, body included (undici's own body timeout restarts with every byte), and reads
 * at most `maxBytes` of it; beyond either the call fails with a ConformanceFailure that says so.
 */
export class Http {
  private readonly dispatcher: Dispatcher;

  constructor(
    readonly base: string,
    private readonly timeoutMs = 15_000,
    /** An attachment of 50 MiB (FRX-ENV-016) and its headers fit; nothing the suite reads is larger. */
    private readonly maxBytes = 64 * 1024 * 1024,
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
    const ms = options.timeoutMs ?? this.timeoutMs;
    const deadline = AbortSignal.timeout(ms);
    let bytes: Buffer;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        dispatcher,
        signal: deadline,
        headersTimeout: ms,
        bodyTimeout: ms,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      bytes = await readBounded(res.body, this.maxBytes, `${method} ${path}`);
    } catch (error) {
      if (deadline.aborted)
        throw new ConformanceFailure(
          `${method} ${path}: the node did not complete its answer within ${ms} ms`,
        );
      throw error;
    }
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

  /** Ends the pool, and with it any request a test that timed out left open. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }
}

async function readBounded(body: Dispatcher.ResponseData["body"], max: number, what: string) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new ConformanceFailure(`${what}: the node's answer is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function isSocketError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE";
}
