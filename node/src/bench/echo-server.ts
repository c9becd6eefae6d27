// A bench child: the baseline, a bare hono app that parses a JSON body and sends it back.
// Usage: node echo-server.js. Prints {port}; when its stdin closes, prints the CPU time it
// used since listening and exits.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { answer, cpuMs, onParentGone } from "./children.js";

const app = new Hono();
app.post("/echo", async (c) => c.json(await c.req.json<unknown>()));

const server = await new Promise<Server>((resolve) => {
  const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s as Server));
});
const address = server.address();
answer({ port: typeof address === "object" && address ? address.port : 0, pid: process.pid });
const cpuAtListen = process.cpuUsage();

onParentGone(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  answer({ closed: true, cpuMs: cpuMs(cpuAtListen) });
});
