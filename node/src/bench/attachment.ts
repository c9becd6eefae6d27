// A bench child: one file TH → LA across the federation (sealed records, streamed to disk,
// resumable) against a plain HTTP copy of the same bytes on loopback, in this one process.
// Usage: node --expose-gc attachment.js DIR BYTES. Prints one JSON line (AttachmentFigures).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import {
  createSigner,
  draftTrustList,
  generateSigningKey,
  signEnvelope,
  signTrustList,
  trustListDigest,
  type Signer,
} from "@frx/spec";
import { SignJWT } from "jose";
import { request } from "undici";
import { registerParticipant } from "../admin/participants.js";
import { defaultConfig } from "../config/config.js";
import { generateNodeKeys, type NodeKeys } from "../config/keys.js";
import { memberEntry } from "../federation/member-entry.js";
import { createNode, type FrxNode } from "../node.js";
import { provideKeyFile } from "../privacy/data-keys.js";
import type { Logger } from "../runtime/logger.js";

export interface AttachmentFigures {
  bench: "attachment";
  bytes: number;
  /** MB (10^6 bytes) per second, from the envelope's submission to its acceptance at LA. */
  frxMBps: number;
  /** MB per second of a plain HTTP PUT of the same file, streamed disk to disk, fsynced. */
  rawMBps: number;
  ratio: number;
  /** Peak RSS during the FRX transfer minus RSS before it, in MiB (both nodes live here). */
  rssGrowthMB: number;
}

const [dir, sizeArg] = process.argv.slice(2);
// The parent gone (its lifeline closed) before the figures are out: stop at once.
let finished = false;
process.stdin.on("close", () => {
  if (!finished) process.exit(1);
});
const bytes = Number(sizeArg ?? 100_000_000);
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const MB = 1_000_000;

const file = join(dir!, "payload.bin");
const sha256 = await writePayload(file, bytes);
const rawMs = await rawCopy(file, join(dir!, "raw-copy.bin"));

const th = await node("TH", join(dir!, "th"));
const la = await node("LA", join(dir!, "la"));
const { signer: doe, token } = await agency(th.node, "TH:DOE", "labour_inspectorate");
await agency(la.node, "LA:ATD", "anti_trafficking_police");
await federate([th, la]);
await th.node.ctx.peers.ensure("LA");

const upload = await request(`${th.url}/v1/attachments/${sha256}`, {
  method: "PUT",
  headers: { authorization: `Bearer ${await token()}`, "content-type": "video/mp4" },
  body: createReadStream(file),
});
if (upload.statusCode !== 201) throw new Error(`upload: ${await upload.body.text()}`);
await upload.body.dump();

(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage.rss();
const maxBefore = process.resourceUsage().maxRSS * 1024;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);

const envelope = evidence(sha256, bytes);
const started = performance.now();
const submitted = await request(`${th.url}/v1/envelopes`, {
  method: "POST",
  headers: { "content-type": "application/jose" },
  body: signEnvelope(envelope, doe),
});
if (submitted.statusCode !== 201) throw new Error(`submit: ${await submitted.body.text()}`);
await submitted.body.dump();
while (!(await la.node.ctx.store.get("messages", envelope.id)))
  await new Promise((r) => setTimeout(r, 10));
const frxMs = performance.now() - started;
clearInterval(sampler);
const maxAfter = process.resourceUsage().maxRSS * 1024;
if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);

const stored = await la.node.ctx.attachments.get(sha256);
if (!stored || (await digestOf(stored.stream())) !== sha256)
  throw new Error("the file at LA does not hash to its digest");
await th.node.close();
await la.node.close();

const frxMBps = bytes / MB / (frxMs / 1000);
const rawMBps = bytes / MB / (rawMs / 1000);
const figures: AttachmentFigures = {
  bench: "attachment",
  bytes,
  frxMBps: round(frxMBps),
  rawMBps: round(rawMBps),
  ratio: round(frxMBps / rawMBps),
  rssGrowthMB: round((peak - rssBefore) / 1024 / 1024),
};
finished = true;
process.stdout.write(JSON.stringify(figures) + "\n");
process.stdin.destroy();

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function writePayload(path: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const out = await open(path, "w");
  for (let left = size; left > 0;) {
    const chunk = randomBytes(Math.min(left, 1024 * 1024));
    hash.update(chunk);
    await out.write(chunk);
    left -= chunk.length;
  }
  await out.close();
  return hash.digest("hex");
}

async function digestOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash.digest("hex");
    hash.update(value);
  }
}

/** The baseline: PUT the file over loopback HTTP to a server that streams it to disk and fsyncs. */
async function rawCopy(from: string, to: string): Promise<number> {
  const server = createServer((req, res) => {
    const sink = createWriteStream(to);
    pipeline(req, sink)
      .then(async () => {
        const fd = await open(to, "r+");
        await fd.sync();
        await fd.close();
        res.end(JSON.stringify({ size: (await stat(to)).size }));
      })
      .catch((e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const t0 = performance.now();
  const res = await request(`http://127.0.0.1:${port}/copy`, {
    method: "PUT",
    body: createReadStream(from),
  });
  await res.body.dump();
  const ms = performance.now() - t0;
  server.close();
  return ms;
}

async function node(cc: string, nodeDir: string) {
  const keys = generateNodeKeys();
  const config = defaultConfig(cc, { port: 0 });
  config.limits.attachmentBytes = Math.max(config.limits.attachmentBytes, bytes);
  config.federation.attachmentBytes = Math.max(config.federation.attachmentBytes, bytes);
  await provideKeyFile(nodeDir, config);
  const n = await createNode({ config, keys, dir: nodeDir, logger: quiet });
  const { url } = await n.start();
  config.publicUrl = url;
  return { cc, node: n, keys, url };
}

async function agency(n: FrxNode, id: string, role: string) {
  const { privateJwk, publicJwk } = generateSigningKey();
  await registerParticipant(n.ctx, {
    id,
    name: id,
    roles: [role],
    orgType: role === "labour_inspectorate" ? "LabourInspectorate" : "LawEnforcement",
    publicJwk,
  });
  const signer: Signer = createSigner(privateJwk);
  const token = () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: signer.kid })
      .setIssuer(id)
      .setAudience(n.ctx.config.node)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(randomUUID())
      .sign(signer.privateKey);
  };
  return { signer, token };
}

async function federate(nodes: Array<{ cc: string; node: FrxNode; keys: NodeKeys; url: string }>) {
  const now = Date.now();
  const list = {
    frx: "1" as const,
    version: 1,
    issuedAt: new Date(now - 60_000).toISOString().replace(/\.\d+Z$/, "Z"),
    expiresAt: new Date(now + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
    quorum: 2,
    members: nodes.map((m) =>
      memberEntry(
        { node: m.cc, name: `FRX national node ${m.cc}` },
        m.keys,
        `${m.url}/federation/v1`,
        "2025-01-01T00:00:00Z",
      ),
    ),
  };
  const signed = nodes.reduce(
    (s, m) => signTrustList(s, createSigner(m.keys.signing)),
    draftTrustList(list),
  );
  for (const m of nodes) {
    m.node.ctx.config.federation.genesisDigest = trustListDigest(signed);
    await m.node.applyTrustList(signed);
  }
}

/** The spec's evidence.provide fixture, now, from TH:DOE to LA:ATD, with the one file. */
function evidence(digest: string, size: number) {
  const path = new URL(import.meta.resolve("@frx/spec/fixtures/messages/evidence.provide-ok.json"));
  const env = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> & {
    id: string;
    body: { items: Array<Record<string, unknown>> };
  };
  const item = { ...env.body.items[0]!, sha256: digest, size, mediaType: "video/mp4" };
  const now = Date.now();
  delete env.inReplyTo;
  return {
    ...env,
    id: th.node.ctx.ids(),
    to: [{ participant: "LA:ATD" }],
    sentAt: new Date(now).toISOString().replace(/\.\d+Z$/, "Z"),
    expiresAt: new Date(now + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
    body: { ...env.body, items: [item] },
    attachments: [{ sha256: digest, mediaType: "video/mp4", size, name: "statement.mp4" }],
  };
}
