// The attachment suite: one file TH → LA across the federation, each node in its own process
// as deployed nodes are, against a plain HTTP copy of the same bytes on loopback from this
// process to a server process that writes them to disk and fsyncs them (as LA does).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, signEnvelope, type Signer } from "@frx/spec";
import { SignJWT } from "jose";
import { request } from "undici";
import { ulid } from "ulid";
import { generateNodeKeys } from "../config/keys.js";
import { Child, cpuMs } from "./children.js";
import { federationAgencies } from "./envelopes.js";
import type { FedNodeStats, RssGrowth } from "./fed-node.js";
import { ask, genesis, startNode, type Running } from "./federation.js";
import { cpuSnapshot, machineShare } from "./machine.js";
import { here, START_MS, stopServer } from "./parent.js";
import { summarizeProfile, type ProfileSummary } from "./profile.js";

export interface AttachmentFigures {
  bench: "attachment";
  bytes: number;
  /** MB (10^6 bytes) per second, from the envelope's submission to its acceptance at LA. */
  frxMBps: number;
  /** MB per second of a plain HTTP PUT of the same file, streamed disk to disk, fsynced. */
  rawMBps: number;
  ratio: number;
  /** The larger of the two nodes' peak RSS during the transfer minus its RSS before, in MiB. */
  rssGrowthMB: number;
  rssGrowthByNodeMB: { th: number; la: number };
  /** Each node's garbage collections during the transfer, by kind (count, ms). */
  gc: { th: RssGrowth["gc"]; la: RssGrowth["gc"] };
  /** CPU milliseconds: both nodes during the transfer; client and server of the plain copy. */
  frxCpuMs: { th: number; la: number };
  rawCpuMs: { client: number; server: number };
  /** Plain copy's CPU over FRX's: the load-independent counterpart of `ratio`. */
  cpuRatio: number;
  /** Share of the machine other processes used during each phase (figures unreliable if high). */
  otherPct: number;
  rawOtherPct: number;
  /** The plain copy's two runs (before and after the transfer); the faster is `rawMBps`. */
  rawRunsMBps: number[];
}

export interface AttachmentOptions {
  bytes: number;
  /** CPU-profiles both nodes during the transfer (files kept in the temp folder). */
  profile: boolean;
}

const MB = 1_000_000;
const SENDER = "TH:DOE";
const RECIPIENT = "LA:MOLSW";
/** The longest the transfer may take (100 MB at 1 MB/s). */
const TRANSFER_MS = 100_000;

export async function attachmentSuite(
  o: AttachmentOptions,
  tmp: string,
): Promise<{ figures: AttachmentFigures; profiles?: Record<string, ProfileSummary> }> {
  const root = join(tmp, "attachment");
  await mkdir(root, { recursive: true });
  const file = join(root, "payload.bin");
  const sha256 = await writePayload(file, o.bytes);
  // The plain copy runs before and after the transfer, and the faster counts: a moment of load
  // on this shared machine then slows the baseline less often than it flatters FRX.
  const rawBefore = await rawCopy(file, join(root, "raw-copy.bin"));
  const frx = await transfer(o, root, file, sha256);
  const rawAfter = await rawCopy(file, join(root, "raw-copy.bin"));
  const raw = rawBefore.ms <= rawAfter.ms ? rawBefore : rawAfter;

  const frxMBps = o.bytes / MB / (frx.ms / 1000);
  const rawMBps = o.bytes / MB / (raw.ms / 1000);
  const rawCpu = raw.cpu.client + raw.cpu.server;
  return {
    figures: {
      bench: "attachment",
      bytes: o.bytes,
      frxMBps: round(frxMBps),
      rawMBps: round(rawMBps),
      ratio: round(frxMBps / rawMBps),
      rssGrowthMB: Math.max(frx.rss.th, frx.rss.la),
      rssGrowthByNodeMB: frx.rss,
      gc: frx.gc,
      frxCpuMs: frx.cpu,
      rawCpuMs: raw.cpu,
      cpuRatio: round(rawCpu / (frx.cpu.th + frx.cpu.la)),
      otherPct: frx.otherPct,
      rawOtherPct: raw.otherPct,
      rawRunsMBps: [rawBefore, rawAfter].map((r) => round(o.bytes / MB / (r.ms / 1000))),
    },
    ...(frx.profiles ? { profiles: frx.profiles } : {}),
  };
}

/** TH and LA in their own processes; times one evidence.provide naming the file, TH → LA. */
async function transfer(o: AttachmentOptions, root: string, file: string, sha256: string) {
  const agencies = federationAgencies();
  const sender = agencies.TH.find((a) => a.registration.id === SENDER)!;
  const keys = { TH: generateNodeKeys(), LA: generateNodeKeys() };
  const boot = (cc: "TH" | "LA") =>
    startNode(
      root,
      {
        country: cc,
        dir: join(root, cc),
        keys: keys[cc],
        port: 0,
        agencies: agencies[cc].map((a) => a.registration),
        genesisDigest: null,
        attachmentBytes: o.bytes,
      },
      ["--expose-gc"],
    );
  const nodes = { TH: await boot("TH"), LA: await boot("LA") };
  const both = [nodes.TH, nodes.LA];
  try {
    const { signed, digest } = genesis(
      (["TH", "LA"] as const).map((cc) => ({
        cc,
        keys: keys[cc],
        url: `http://127.0.0.1:${nodes[cc].port}`,
      })),
    );
    for (const n of both) await ask(n.child, { cmd: "trust", signed, digest });
    await ask(nodes.TH.child, { cmd: "ensure", peer: "LA" });
    const th = `http://127.0.0.1:${nodes.TH.port}`;
    const signer = createSigner(sender.privateJwk);
    // Warm-up: one small file the same way, so that compiling schemas on first use and opening
    // the connection to LA, once per process in a deployment, are not counted.
    const small = join(root, "warm-up.bin");
    const smallSha = await writePayload(small, 64 * 1024);
    await upload(th, signer, smallSha, small);
    const warm = evidence(smallSha, 64 * 1024);
    await submit(th, signEnvelope(warm, signer));
    await ask(nodes.LA.child, { cmd: "await-message", id: warm.id, timeoutMs: 20_000 });
    await upload(th, signer, sha256, file);

    const envelope = evidence(sha256, o.bytes);
    for (const n of both) await ask(n.child, { cmd: "rss-start" });
    if (o.profile) for (const n of both) await ask(n.child, { cmd: "profile-start" });
    const before = await Promise.all(both.map(cpuOf));
    const machine = cpuSnapshot();
    const t0 = performance.now();
    await submit(th, signEnvelope(envelope, signer));
    await ask(
      nodes.LA.child,
      { cmd: "await-message", id: envelope.id, timeoutMs: TRANSFER_MS },
      TRANSFER_MS + 5_000,
    );
    const ms = performance.now() - t0;
    const after = await Promise.all(both.map(cpuOf));
    const cpu = { th: after[0]! - before[0]!, la: after[1]! - before[1]! };
    const { otherPct } = machineShare(machine, cpu.th + cpu.la);
    const profiles = o.profile
      ? { TH: await keepProfile(nodes.TH, "TH"), LA: await keepProfile(nodes.LA, "LA") }
      : undefined;
    const [thRss, laRss] = await Promise.all(
      both.map((n) => ask<RssGrowth>(n.child, { cmd: "rss-stop" })),
    );
    const held = await ask<{ sha256: string | null }>(nodes.LA.child, { cmd: "digest", sha256 });
    if (held.sha256 !== sha256) throw new Error("the file at LA does not hash to its digest");
    return {
      ms,
      cpu,
      otherPct,
      rss: { th: thRss!.growthMB, la: laRss!.growthMB },
      gc: { th: thRss!.gc, la: laRss!.gc },
      profiles,
    };
  } finally {
    for (const n of both) await stopServer<FedNodeStats>(n.child);
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function cpuOf(n: Running): Promise<number> {
  return (await ask<FedNodeStats>(n.child, { cmd: "stats" })).cpuMs;
}

async function keepProfile(n: Running, cc: string): Promise<ProfileSummary> {
  // Profiles outlive the bench's temp folder.
  const file = join(tmpdir(), `frx-attachment-${cc}-${Date.now()}.cpuprofile`);
  await ask(n.child, { cmd: "profile-stop", file });
  process.stderr.write(`attachment: ${cc}'s profile kept in ${file}\n`);
  return summarizeProfile(file, 25);
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

/** The baseline: PUT the file over loopback HTTP to a server process that streams it to disk. */
async function rawCopy(
  from: string,
  to: string,
): Promise<{ ms: number; cpu: { client: number; server: number }; otherPct: number }> {
  const server = new Child("copy-server", here("copy-server.js"), [to]);
  const { port } = await server.next<{ port: number }>(START_MS);
  try {
    const machine = cpuSnapshot();
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const res = await request(`http://127.0.0.1:${port}/copy`, {
      method: "PUT",
      body: createReadStream(from),
    });
    const answer = (await res.body.json()) as { size: number; cpuMs: number };
    const ms = performance.now() - t0;
    const client = cpuMs(cpu);
    if (res.statusCode !== 200) throw new Error(`plain copy answered ${res.statusCode}`);
    const share = machineShare(machine, answer.cpuMs);
    return { ms, cpu: { client, server: answer.cpuMs }, otherPct: share.otherPct };
  } finally {
    await server.stop(START_MS);
  }
}

async function submit(origin: string, jws: string): Promise<void> {
  const res = await request(`${origin}/v1/envelopes`, {
    method: "POST",
    headers: { "content-type": "application/jose" },
    body: jws,
  });
  if (res.statusCode !== 201) throw new Error(`submit: ${await res.body.text()}`);
  await res.body.dump();
}

async function upload(origin: string, signer: Signer, sha256: string, file: string) {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: signer.kid })
    .setIssuer(SENDER)
    .setAudience("TH")
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .setJti(randomUUID())
    .sign(signer.privateKey);
  const res = await request(`${origin}/v1/attachments/${sha256}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "video/mp4" },
    body: createReadStream(file),
  });
  if (res.statusCode !== 201) throw new Error(`upload: ${await res.body.text()}`);
  await res.body.dump();
}

/** The spec's evidence.provide fixture, now, from SENDER to RECIPIENT, with the one file. */
function evidence(digest: string, size: number) {
  const path = new URL(import.meta.resolve("@frx/spec/fixtures/messages/evidence.provide-ok.json"));
  const env = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> & {
    body: { items: Array<Record<string, unknown>> };
  };
  const item = { ...env.body.items[0]!, sha256: digest, size, mediaType: "video/mp4" };
  const now = Date.now();
  delete env.inReplyTo;
  return {
    ...env,
    id: ulid(),
    from: SENDER,
    to: [{ participant: RECIPIENT }],
    sentAt: new Date(now).toISOString().replace(/\.\d+Z$/, "Z"),
    expiresAt: new Date(now + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
    body: { ...env.body, items: [item] },
    attachments: [{ sha256: digest, mediaType: "video/mp4", size, name: "statement.mp4" }],
  };
}
