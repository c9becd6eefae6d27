import { FrxError } from "@frx/spec";
import { Readable } from "node:stream";
import { Agent, request, type Dispatcher } from "undici";

/** The largest answer read from a peer unless a call says otherwise (a transaction reply is far smaller). */
export const DEFAULT_PEER_ANSWER_BYTES = 1024 * 1024;

/**
 * The largest directory answer read from a peer: the schema bounds a directory (500
 * participants with bounded members), and its JWS and unsigned copy together stay well under this.
 */
export const DIRECTORY_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * HTTP to peer nodes: one keep-alive pool for all of them, injectable for tests. Every call
 * has one deadline for the whole exchange, the answer's body included (undici's own body
 * timeout restarts with every byte, so a peer dripping its answer would never trip it), and
 * a bound on the bytes it reads (FRX-FED-068).
 */
export class PeerClient {
  constructor(
    private readonly dispatcher: Dispatcher = new Agent({
      keepAliveTimeout: 10_000,
      connections: 8,
    }),
    private readonly timeoutMs = 30_000,
  ) {}

  async call(
    method: "GET" | "PUT" | "POST",
    url: string,
    body?: string,
    contentType?: string,
    maxBytes = DEFAULT_PEER_ANSWER_BYTES,
  ): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`no complete answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      const res = await request(url, {
        method,
        dispatcher: this.dispatcher,
        signal: deadline.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(body !== undefined
          ? { body, headers: { "content-type": contentType ?? "application/jose" } }
          : {}),
      });
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.body.destroy();
        throw new Error(`the answer declares ${declared} bytes, more than the ${maxBytes} allowed`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          res.body.destroy();
          throw new Error(`the answer is larger than the ${maxBytes} bytes allowed`);
        }
        chunks.push(chunk);
      }
      const retryAfter = Number(res.headers["retry-after"]);
      return {
        status: res.statusCode,
        text: Buffer.concat(chunks).toString("utf8"),
        ...(Number.isFinite(retryAfter) && retryAfter > 0
          ? { retryAfterMs: retryAfter * 1000 }
          : {}),
      };
    } catch (error) {
      const reason = deadline.signal.aborted
        ? (deadline.signal.reason as Error).message
        : (error as Error).message;
      throw new FrxError("federation.peer-unreachable", `${method} ${url}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A request whose body streams from `body` (a file's sealed records), with `headers`, under
   * one deadline of `timeoutMs` for the whole exchange; the answer is read as `call` reads it.
   * A body that fails (its source breaks) aborts the request: the peer sees a cut.
   */
  async send(
    method: "GET" | "PUT",
    url: string,
    headers: Record<string, string>,
    body: AsyncIterable<Uint8Array> | undefined,
    timeoutMs: number,
    maxBytes = DEFAULT_PEER_ANSWER_BYTES,
  ): Promise<{ status: number; text: string }> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      const res = await request(url, {
        method,
        dispatcher: this.dispatcher,
        signal: deadline.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: this.timeoutMs,
        headers,
        ...(body ? { body: Readable.from(body, { objectMode: false }) } : {}),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          res.body.destroy();
          throw new Error(`the answer is larger than the ${maxBytes} bytes allowed`);
        }
        chunks.push(chunk);
      }
      return { status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") };
    } catch (error) {
      const reason = deadline.signal.aborted
        ? (deadline.signal.reason as Error).message
        : (error as Error).message;
      throw new FrxError("federation.peer-unreachable", `${method} ${url}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
