import { createServer } from "node:net";
import { resolve } from "node:path";
import { createNode, type FrxNode } from "../../node.js";
import { jsonLogger } from "../../runtime/logger.js";
import type { Command } from "../command.js";
import { CliError, lines, processStopSignal } from "../io.js";
import { isLockedError, readNodeDir, runningError } from "../node-dir.js";

/**
 * Stopgap: FrxNode.start() does not reject when the port is taken (the server's 'error'
 * event goes unhandled and ends the process), so try the address first.
 */
async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  }).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === "EADDRINUSE" ? "the port is in use" : error.message;
    throw new CliError(`cannot listen on ${host}:${port}: ${why}`);
  });
}

export const startCommand: Command = {
  path: ["start"],
  summary: "run the node until SIGINT or SIGTERM",
  usage: `Usage: frx-node start --dir DIR [--host HOST] [--port N]

Runs the node at DIR, until a signal: the agency API, the federation API for peer nodes, the
public documents (/.well-known/frx-node, directory, trust list, registry), /healthz, /readyz
and /metrics; the deadline scheduler (reminders, escalations, expiries); one outbox worker
per peer node (delivery with retries and dead letters); and the trust-list watch (warns before
the list in force expires); and, on a loopback address or a unix socket of its own (config
admin), the admin API and the operator console, whose URL it writes to DIR/admin.json: every
other frx-node command then works through it while the node runs. With config tls
(certFile, keyFile) it serves HTTPS. Logs are JSON lines on stderr. SIGINT or SIGTERM drains in-flight requests and writes, closes the store and exits
0; a second signal stops at once.

  --dir DIR     the node's data folder (from frx-node init)
  --host HOST   listen on HOST instead of the configured host (not saved)
  --port N      listen on port N instead of the configured port (0 picks a free one; not saved)
`,
  flags: {
    dir: { kind: "string", required: true },
    host: { kind: "string" },
    port: { kind: "string" },
  },
  async run(flags, io) {
    const dir = resolve(flags.string("dir"));
    const { config, keys } = await readNodeDir(dir);
    const host = flags.optional("host");
    const port = flags.int("port", 0, 65535);
    if (host !== undefined) config.host = host;
    if (port !== undefined) config.port = port;
    const logger = jsonLogger((line) => io.stderr(line + "\n"), { node: config.node });

    let node: FrxNode;
    try {
      node = await createNode({ config, keys, dir, logger });
    } catch (error) {
      if (isLockedError(error)) throw runningError(dir);
      throw error;
    }
    // Listen for the signals before listening on the port, so none is missed.
    const stopped = (io.stopSignal ?? processStopSignal)();
    try {
      await assertCanListen(config.host, config.port);
      const { url } = await node.start();
      io.stdout(
        lines(
          `node ${config.node} listening on ${url} (public URL ${config.publicUrl})`,
          ...(node.adminUrl ? [`admin API and operator console on ${node.adminUrl}`] : []),
        ),
      );
    } catch (error) {
      await node.close();
      throw error;
    }
    const signal = await stopped;
    logger.info("node.stopping", { signal });
    await node.close();
    io.stdout(lines(`node ${config.node} stopped (${signal})`));
    return 0;
  },
};
