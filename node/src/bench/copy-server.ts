// A bench child: the attachment baseline, a plain node:http server that streams each PUT body
// to one file, fsyncs it and answers {size, cpuMs} (its CPU time for that request).
// Usage: node copy-server.js FILE. Prints {port}; exits when its stdin closes.
import { createWriteStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";
import { answer, cpuMs, onParentGone } from "./children.js";

const file = process.argv[2]!;

const server = createServer((req, res) => {
  const cpu = process.cpuUsage();
  pipeline(req, createWriteStream(file))
    .then(async () => {
      const fd = await open(file, "r+");
      await fd.sync();
      await fd.close();
      res.end(JSON.stringify({ size: (await stat(file)).size, cpuMs: cpuMs(cpu) }));
    })
    .catch((e: Error) => res.writeHead(500).end(e.message));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
answer({ port: (server.address() as AddressInfo).port, pid: process.pid });

onParentGone(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
});
