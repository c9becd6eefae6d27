import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PeerClient } from "../../src/federation/peer-client.js";

let server: Server | undefined;
let client: PeerClient | undefined;
afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
});

/** A loopback peer answering with `handle`; resolves with its base URL. */
async function peer(handle: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handle);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the peer client", () => {
  it("FRX-FED-068: gives up on a peer that drips its answer, at one deadline for the whole answer", async () => {
    let drips = 0;
    const url = await peer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      // One byte every 50 ms, bounded at 200 bytes (10 s): each byte restarts undici's bodyTimeout.
      const timer = setInterval(() => {
        if (++drips > 200 || res.destroyed) {
          clearInterval(timer);
          res.end();
        } else res.write(" ");
      }, 50);
      res.on("close", () => clearInterval(timer));
    });
    client = new PeerClient(undefined, 400);
    await expect(client.call("GET", `${url}/directory`)).rejects.toMatchObject({
      code: "federation.peer-unreachable",
    });
    expect(drips).toBeLessThan(200);
  });

  it("FRX-FED-068: reads no more of a peer's answer than the bound", async () => {
    let sent = 0;
    const url = await peer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // Up to 64 MiB, written as fast as the reader takes it.
      const pump = () => {
        while (sent < 1024 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    client = new PeerClient(undefined, 10_000);
    await expect(
      client.call("GET", `${url}/directory`, undefined, undefined, 1024 * 1024),
    ).rejects.toMatchObject({ code: "federation.peer-unreachable" });
    expect(sent).toBeLessThan(1024);
  });
});
