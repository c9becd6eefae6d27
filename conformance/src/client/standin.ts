import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type HttpBindings } from "@hono/node-server";
import type { Hono } from "hono";

/**
 * The stand-in node's HTTP server on 127.0.0.1, on a port the system picks. The app is made
 * once the URL is known (its signed metadata names it), and replaced per scenario.
 */
export class StandInServer {
  private server: Server | null = null;
  private app: Hono<{ Bindings: HttpBindings }> | null = null;

  /** Listens; resolves to the base URL. */
  async start(): Promise<string> {
    const server = await new Promise<Server>((resolve, reject) => {
      const s = serve(
        {
          fetch: (req, env) =>
            this.app ? this.app.fetch(req, env) : new Response("not ready", { status: 503 }),
          hostname: "127.0.0.1",
          port: 0,
        },
        () => resolve(s),
      ) as Server;
      s.once("error", reject);
    });
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  use(app: Hono<{ Bindings: HttpBindings }>): void {
    this.app = app;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
