import { chmod, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import type { FrxNode } from "../node.js";
import { createAdminApp } from "./api.js";

export interface AdminListener {
  /** http://127.0.0.1:PORT, or unix:PATH for a socket. */
  url: string;
  close(): Promise<void>;
}

/** Where a running node tells the CLI how to reach its admin API. */
export const ADMIN_FILE = "admin.json";

/**
 * Starts the admin listener (FRX-ADM-001): on config.admin.socket (mode 0600) or on the
 * loopback host:port. Writes DIR/admin.json (mode 0600) so `frx-node` commands find it.
 */
export async function startAdminListener(node: FrxNode, dir?: string): Promise<AdminListener> {
  const { admin } = node.ctx.config;
  const app = createAdminApp(node);
  if (admin.socket) await rm(admin.socket, { force: true });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (admin.socket) server.listen(admin.socket, () => resolve());
    else server.listen(admin.port, admin.host, () => resolve());
  });
  let url: string;
  if (admin.socket) {
    await chmod(admin.socket, 0o600);
    url = `unix:${admin.socket}`;
  } else {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : admin.port;
    url = `http://${admin.host.includes(":") ? `[${admin.host}]` : admin.host}:${port}`;
  }
  if (dir)
    await writeFile(join(dir, ADMIN_FILE), JSON.stringify({ url, pid: process.pid }) + "\n", {
      mode: 0o600,
    });
  return {
    url,
    async close() {
      if (dir) await rm(join(dir, ADMIN_FILE), { force: true });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (admin.socket) await rm(admin.socket, { force: true });
    },
  };
}
