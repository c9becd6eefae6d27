import { FrxError } from "@frx/spec";
import { Agent, request, type Dispatcher } from "undici";

/** HTTP to peer nodes: one keep-alive pool for all of them, injectable for tests. */
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
  ): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    try {
      const res = await request(url, {
        method,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(body !== undefined
          ? { body, headers: { "content-type": contentType ?? "application/jose" } }
          : {}),
      });
      const text = await res.body.text();
      const retryAfter = Number(res.headers["retry-after"]);
      return {
        status: res.statusCode,
        text,
        ...(Number.isFinite(retryAfter) && retryAfter > 0
          ? { retryAfterMs: retryAfter * 1000 }
          : {}),
      };
    } catch (error) {
      throw new FrxError(
        "federation.peer-unreachable",
        `${method} ${url}: ${(error as Error).message}`,
      );
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
