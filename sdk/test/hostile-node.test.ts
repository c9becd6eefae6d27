import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import {
  canonicalize,
  createSigner,
  generateSigningKey,
  MessageType,
  signCompact,
  signEnvelope,
  thumbprint,
  type PrivateJwk,
} from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient, isFrxClientError, type InboxItem } from "../src/index.js";
import { fixture } from "./support/fixtures.js";
import { mockNode, NOW, type MockNode } from "./support/mock-node.js";

let m: MockNode;
let server: Server | undefined;
beforeEach(() => {
  m = mockNode();
});
afterEach(async () => {
  await m.agent.close();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const META = { path: "/.well-known/frx-node", method: "GET" } as const;
const INBOX = { path: (p: string) => p.startsWith("/v1/inbox?"), method: "GET" } as const;
const problem = {
  type: "urn:frx:problem:node.not-ready",
  title: "Not ready",
  status: 503,
  detail: "x",
  code: "node.not-ready",
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error("resolved"),
    (e: unknown) => e,
  );
}

describe("waits (Retry-After)", () => {
  it("never waits longer than the retry policy's maxMs, whatever Retry-After says", async () => {
    m.pool
      .intercept(META)
      .reply(503, problem, { headers: { "retry-after": "2592000" } })
      .times(2);
    m.serveMetadata();
    await m.client().nodeMetadata();
    expect(m.waits).toHaveLength(2);
    expect(Math.max(...m.waits)).toBeLessThanOrEqual(10_000);
  });

  it("never waits longer than the call's timeout", async () => {
    m.pool.intercept(META).reply(503, problem, { headers: { "retry-after": "3600" } });
    m.serveMetadata();
    await m.client("TH:DOE", { retry: { maxMs: 60_000 } }).nodeMetadata({ timeoutMs: 1000 });
    expect(m.waits).toEqual([1000]);
  });
});

describe("sizes", () => {
  it("does not buffer a metadata answer beyond its bound: client.response-invalid", async () => {
    m.serveMetadata();
    const real = (await m.client().nodeMetadata()) as object;
    const m2 = mockNode();
    const body = JSON.stringify({ metadata: real, jws: "x", pad: "x".repeat(8 * 1024 * 1024) });
    m2.pool.intercept(META).reply(200, body, { headers: { "content-type": "application/json" } });
    const error = await rejection(m2.client().nodeMetadata());
    await m2.agent.close();
    expect(isFrxClientError(error, "client.response-invalid")).toBe(true);
    expect(String((error as Error).message)).toContain("larger than");
  });

  it("does not buffer a problem document beyond its bound", async () => {
    const huge = JSON.stringify({ ...problem, status: 400, detail: "x".repeat(1024 * 1024) });
    m.pool.intercept(META).reply(400, huge);
    const error = await rejection(m.client().nodeMetadata());
    expect(error).toMatchObject({ code: "client.response-invalid", status: 400 });
  });
});

/** A loopback node serving an attachment one byte every 50 ms (bounded at 400 bytes, 20 s). */
async function drippingNode(): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const timer = setInterval(() => {
      if (++sent > 400 || res.destroyed) {
        clearInterval(timer);
        res.end();
      } else res.write("x");
    }, 50);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}

const SHA = "a".repeat(64);

describe("time (deadlines cover the body)", () => {
  it("ends a download that drips past the call's timeout with client.timeout", async () => {
    const node = await drippingNode();
    const client = createClient({
      nodeUrl: node.url,
      node: "TH",
      participant: "TH:DOE",
      privateKey: m.keys.get("TH:DOE")!,
      timeoutMs: 500,
      retry: { attempts: 1 },
    });
    const download = await client.attachments.download(SHA);
    const error = await rejection(download.bytes());
    expect(error).toMatchObject({ code: "client.timeout" });
    expect(node.sent()).toBeLessThan(400);
    await client.close();
  });

  it("close() ends a download still open, and returns", async () => {
    const node = await drippingNode();
    const client = createClient({
      nodeUrl: node.url,
      node: "TH",
      participant: "TH:DOE",
      privateKey: m.keys.get("TH:DOE")!,
      timeoutMs: 60_000,
    });
    const download = await client.attachments.download(SHA);
    const reading = rejection(download.bytes());
    await client.close();
    expect(await reading).toMatchObject({ code: "client.closed" });
    expect(node.sent()).toBeLessThan(400);
  });
});

/** An LA member whose signing key rotated on 15 February, and its directory signed before, with the old key. */
function laFederation(): { trustList: object; directory: object; molsw: PrivateJwk } {
  const old = generateSigningKey();
  const fresh = generateSigningKey();
  const molsw = generateSigningKey();
  const x = (generateKeyPairSync("x25519").publicKey.export({ format: "jwk" }) as { x: string }).x;
  const sig = (k: typeof old) => ({ ...k.publicJwk, kid: k.publicJwk.kid!, use: "sig" });
  const list = {
    frx: "1",
    version: 1,
    issuedAt: "2026-01-01T00:00:00Z",
    expiresAt: "2027-01-01T00:00:00Z",
    quorum: 1,
    members: [
      {
        node: "LA",
        name: "LA",
        endpoint: "https://frx.la.example/federation/v1",
        signingKeys: [
          {
            jwk: sig(old),
            status: "retired",
            notBefore: "2025-01-01T00:00:00Z",
            notAfter: "2026-02-15T00:00:00Z",
          },
          { jwk: sig(fresh), status: "current", notBefore: "2026-02-15T00:00:00Z" },
        ],
        encryptionKey: {
          kty: "OKP",
          crv: "X25519",
          x,
          kid: thumbprint({ kty: "OKP", crv: "X25519", x }),
          use: "enc",
        },
        status: "active",
      },
    ],
  };
  const directory = {
    frx: "1",
    node: "LA",
    issuedAt: "2026-02-01T00:00:00Z",
    participants: [
      {
        id: "LA:MOLSW",
        name: "LA:MOLSW",
        roles: ["labour_inspectorate"],
        orgType: "LabourInspectorate",
        immigrationFunctions: false,
        powers: [],
        acceptedTypes: [],
        keys: [
          {
            kty: "OKP",
            crv: "Ed25519",
            x: molsw.publicJwk.x,
            kid: molsw.publicJwk.kid!,
            status: "current",
          },
        ],
        status: "active",
      },
    ],
  };
  return {
    trustList: { payload: Buffer.from(canonicalize(list)).toString("base64url"), signatures: [] },
    directory: {
      jws: signCompact(
        new TextEncoder().encode(canonicalize(directory)),
        "frx-directory+jws",
        createSigner(old.privateJwk),
      ),
      directory,
    },
    molsw: molsw.privateJwk,
  };
}

const envelope = (overrides: Record<string, unknown>) => ({
  ...fixture(MessageType.ReferralAcknowledge),
  to: [{ participant: "TH:DOE" }],
  ...overrides,
});
const idOf = (jws: string) =>
  JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString()).id as string;
const itemOf = (jws: string, cursor: number) => ({
  cursor,
  messageId: idOf(jws),
  receivedAt: NOW,
  jws,
});

async function read(
  options: Parameters<ReturnType<MockNode["client"]>["inbox"]>[0] = { follow: false },
): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  for await (const item of m.client().inbox(options)) items.push(item);
  return items;
}

describe("the inbox facing a hostile or confused node", () => {
  beforeEach(() => m.serveDocuments());
  const local = () =>
    signEnvelope(
      envelope({ from: "TH:DSDW", id: "01KJPXTZF0XKH9BJ3CK8B49X01" }),
      createSigner(m.keys.get("TH:DSDW")!),
    );

  it("a foreign item from a node with no trust list is an ok: false item, and reading goes on", async () => {
    const foreign = signEnvelope(
      envelope({ from: "LA:MOLSW", id: "01KJPXTZF0XKH9BJ3CK8B49X02" }),
      createSigner(generateSigningKey().privateJwk),
    );
    m.pool.intercept({ path: "/v1/trust-list", method: "GET" }).reply(503, problem).persist();
    m.pool.intercept(INBOX).reply(200, { items: [itemOf(foreign, 1), itemOf(local(), 2)] });
    m.pool.intercept(INBOX).reply(200, { items: [] });
    const items = await read();
    expect(items.map((i) => [i.cursor, i.ok, i.ok ? i.message.from : i.error.code])).toEqual([
      [1, false, "node.not-ready"],
      [2, true, "TH:DSDW"],
    ]);
  });

  it("FRX-TRUST-022: a foreign directory signed before the peer's node key rotated still verifies", async () => {
    const la = laFederation();
    m.pool
      .intercept({ path: "/v1/trust-list", method: "GET" })
      .reply(200, { trustList: la.trustList });
    m.pool.intercept({ path: "/v1/directories/LA", method: "GET" }).reply(200, la.directory);
    const foreign = signEnvelope(
      envelope({ from: "LA:MOLSW", id: "01KJPXTZF0XKH9BJ3CK8B49X03" }),
      createSigner(la.molsw),
    );
    m.pool.intercept(INBOX).reply(200, { items: [itemOf(foreign, 1)] });
    m.pool.intercept(INBOX).reply(200, { items: [] });
    const items = await read();
    expect(items.map((i) => (i.ok ? i.message.from : i.error.code))).toEqual(["LA:MOLSW"]);
  });

  it("items that are not items (null, a string cursor) are ok: false items, not a TypeError", async () => {
    const good = local();
    m.pool
      .intercept(INBOX)
      .reply(200, { items: [null, { ...itemOf(good, 1), cursor: "1" }, itemOf(good, 2)] });
    m.pool.intercept(INBOX).reply(200, { items: [] });
    const items = await read();
    expect(items.map((i) => [i.ok, i.ok ? i.message.from : i.error.code])).toEqual([
      [false, "client.response-invalid"],
      [false, "client.response-invalid"],
      [true, "TH:DSDW"],
    ]);
    expect(items.at(-1)!.cursor).toBe(2);
  });

  it("pauses before polling again when a node answers empty pages at once", async () => {
    const controller = new AbortController();
    m.pool.intercept(INBOX).reply(200, { items: [] }).times(5);
    const client = m.client("TH:DOE", {
      clock: {
        now: () => new Date(NOW),
        sleep: (ms) => {
          m.waits.push(ms);
          if (m.waits.length >= 5) controller.abort();
          return Promise.resolve();
        },
      },
    });
    for await (const _ of client.inbox({ signal: controller.signal })) void _;
    expect(m.waits).toHaveLength(5);
    expect(Math.min(...m.waits)).toBeGreaterThanOrEqual(1000);
  });

  it("cursors only move forward: an item served again at or below the cursor is not yielded again", async () => {
    const good = local();
    m.pool.intercept(INBOX).reply(200, { items: [itemOf(good, 3)] });
    m.pool
      .intercept(INBOX)
      .reply(200, { items: [itemOf(good, 3), itemOf(good, 2)] })
      .times(3);
    const controller = new AbortController();
    const client = m.client("TH:DOE", {
      clock: {
        now: () => new Date(NOW),
        sleep: (ms) => {
          m.waits.push(ms);
          if (m.waits.length >= 3) controller.abort();
          return Promise.resolve();
        },
      },
    });
    const items: InboxItem[] = [];
    for await (const item of client.inbox({ signal: controller.signal })) items.push(item);
    expect(items.map((i) => i.cursor)).toEqual([3]);
  });
});

describe("keys", () => {
  it("JSON.stringify and util.inspect of a client do not print its private key", () => {
    const client = m.client();
    const d = m.keys.get("TH:DOE")!.d;
    expect(JSON.stringify(client)).not.toContain(d);
    expect(inspect(client, { depth: 20 })).not.toContain(d);
  });
});
