import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Http } from "../src/harness/http.js";
import { makeKit } from "../src/kit/make.js";
import { runSuite } from "../src/run/run.js";

let scratch: string;
let server: Server | undefined;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "frx-hostile-"));
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  await rm(scratch, { recursive: true, force: true });
});

/** A loopback "node" that drips every answer one byte every 50 ms (bounded: 400 bytes, 20 s). */
async function drippingNode(): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const timer = setInterval(() => {
      if (++sent > 400 || res.destroyed) {
        clearInterval(timer);
        res.end();
      } else res.write(" ");
    }, 50);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}

/** A loopback "node" that answers with up to 64 MiB of spaces, as fast as it is read. */
async function floodingNode(): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (sent < 1024 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}

async function kit(): Promise<string> {
  const dir = join(scratch, "kit");
  await makeKit({ out: dir, nodeId: "TH" });
  return dir;
}

describe("the harness facing a hostile node under test", () => {
  it("a node that drips its discovery document gets a written, signed FAIL report that says why", async () => {
    const node = await drippingNode();
    const reportDir = join(scratch, "report");
    const report = await runSuite({
      nodeUrl: node.url,
      kitDir: await kit(),
      reportDir,
      profile: "core",
      requestTimeoutMs: 500,
    });
    expect(report.outcome).toBe("fail");
    expect(report.tests).toEqual([
      expect.objectContaining({
        status: "failed",
        message: expect.stringContaining("did not complete its answer within 500 ms"),
      }),
    ]);
    await access(join(reportDir, "report.json.jws"));
    expect(JSON.parse(await readFile(join(reportDir, "report.json"), "utf8"))).toMatchObject({
      outcome: "fail",
    });
    expect(node.sent()).toBeLessThan(400);
  });

  it("a node that answers with more than the bound gets a FAIL report, not the harness's memory", async () => {
    const node = await floodingNode();
    const reportDir = join(scratch, "report");
    const report = await runSuite({
      nodeUrl: node.url,
      kitDir: await kit(),
      reportDir,
      profile: "core",
      maxAnswerBytes: 1024 * 1024,
    });
    expect(report.tests[0]).toMatchObject({
      status: "failed",
      message: expect.stringContaining("larger than 1048576 bytes"),
    });
    await access(join(reportDir, "report.json"));
    expect(node.sent()).toBeLessThan(1024);
  });

  it("a request that drips inside a test ends at the deadline, so the run can end", async () => {
    const node = await drippingNode();
    const http = new Http(node.url, 300);
    await expect(http.call("GET", "/v1/inbox")).rejects.toThrow(
      "did not complete its answer within 300 ms",
    );
    await http.close();
    expect(node.sent()).toBeLessThan(400);
  });
});
