import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLevel } from "memory-level";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  MemoryAttachmentStore,
  memoryLogger,
  type FrxNode,
} from "../../src/index.js";
import type { RootDb } from "../../src/store/db.js";
import { testDataKeys } from "../harness.js";

const hasOpenssl = existsSync("/usr/bin/openssl");
if (!hasOpenssl) process.stderr.write("notice: openssl is missing: the HTTPS test is skipped\n");

let dir: string;
let node: FrxNode;
let cert: string;

beforeAll(async () => {
  if (!hasOpenssl) return;
  dir = await mkdtemp(join(tmpdir(), "frx-tls-"));
  // A throwaway self-signed certificate for 127.0.0.1, made here and never used elsewhere.
  execFileSync(
    "/usr/bin/openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  cert = await readFile(join(dir, "cert.pem"), "utf8");
  const config = defaultConfig("TH", {
    port: 0,
    sync: false,
    tls: { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") },
  });
  node = await createNode({
    config,
    keys: generateNodeKeys(),
    db: new MemoryLevel({ valueEncoding: "json" }) as unknown as RootDb,
    attachments: new MemoryAttachmentStore(),
    dataKeys: testDataKeys,
    logger: memoryLogger(),
  });
});
afterAll(async () => {
  await node?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOpenssl)("HTTPS when the node is given a certificate and key", () => {
  it("serves HTTPS on loopback with the security headers and HSTS (FRX-ADM-012)", async () => {
    const { url } = await node.start();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = new Agent({ connect: { ca: cert } });
    try {
      const res = await request(`${url}/healthz`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({ status: "ok" });
      expect(res.headers["strict-transport-security"]).toBe("max-age=31536000");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    } finally {
      await agent.close();
    }
    // Plain HTTP to the TLS port gets no answer from the node's routes.
    await expect(fetch(url.replace("https:", "http:") + "/healthz")).rejects.toThrow();
  });
});
