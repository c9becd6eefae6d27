import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createSigner, generateSigningKey, signEnvelope, type Signer } from "@frx/spec";
import { ulid } from "ulid";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerParticipant } from "../../src/admin/participants.js";
import { nodePublicKeys } from "../../src/config/keys.js";
import { verifyAudit } from "../../src/domain/audit.js";
import { createNode, memoryLogger, readConfig, readNodeKeys } from "../../src/index.js";
import { PgStore } from "../../src/store/postgres/pg-store.js";
import type { InboxItem } from "../../src/store/records.js";
import { cli, removeTempDirs, tempDir } from "../cli/helpers.js";
import { fixture, THAI_AGENCIES } from "../harness.js";
import { dropSchema, freshStoreUrl, noticeIfNoPg, PG_URL } from "./pg.js";

noticeIfNoPg("replica killed under load");

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const main = join(root, "node", "dist", "cli", "main.js");
let buildOutput = "";

beforeAll(async () => {
  if (!PG_URL) return;
  // Replicas run the built bin, as operators do.
  await promisify(execFile)("npx", ["tsc", "-b"], { cwd: root }).catch(
    (error: { stdout?: string }) => void (buildOutput = error.stdout ?? String(error)),
  );
}, 240_000);

interface Replica {
  child: ChildProcess;
  url: string;
  log: () => string;
}
const children: ChildProcess[] = [];
let schema = "";
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && !c.signalCode) c.kill("SIGKILL");
  await removeTempDirs();
  if (schema) await dropSchema(schema);
  schema = "";
});

function startReplica(dir: string): Promise<Replica> {
  const child = spawn(process.execPath, [main, "start", "--dir", dir, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => void (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, log: () => err });
    });
    child.once("exit", (code) => reject(new Error(`replica exited ${code}: ${err}`)));
  });
}

/** The leases a replica has taken and not lost, from its JSON log lines. */
function leasesOf(r: Replica): string[] {
  const held = new Set<string>();
  for (const line of r.log().split("\n")) {
    if (!line.startsWith("{")) continue;
    const e = JSON.parse(line) as { event: string; lease?: string };
    if (e.event === "lease.acquired") held.add(e.lease!);
    if (e.event === "lease.lost" || e.event === "lease.released") held.delete(e.lease!);
  }
  return [...held].sort();
}

describe.skipIf(!PG_URL)("two replicas of one node, one killed with SIGKILL under load", () => {
  it("loses no receipted envelope, applies none twice, keeps serving and moves the leases", async (ctx) => {
    if (!existsSync(main)) ctx.skip(`${main} is missing; npx tsc -b failed:\n${buildOutput}`);
    const fresh = freshStoreUrl();
    schema = fresh.schema;
    const dir = join(await tempDir(), "th");
    expect((await cli("init", "--dir", dir, "--node", "TH", "--store", fresh.url)).code).toBe(0);
    // Both replicas run from this one folder; only the admin listener is per process.
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as {
      admin: { enabled: boolean };
    };
    config.admin.enabled = false;
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
    const signers = new Map<string, Signer>();
    const setup = await createNode({
      config: await readConfig(dir),
      keys: await readNodeKeys(dir),
      dir,
      logger: memoryLogger(),
    });
    for (const a of THAI_AGENCIES) {
      const { privateJwk, publicJwk } = generateSigningKey();
      await registerParticipant(setup.ctx, { ...a, publicJwk });
      signers.set(a.id, createSigner(privateJwk));
    }
    await setup.close();

    const replicas = [await startReplica(dir), await startReplica(dir)];
    await expect
      .poll(() => [...leasesOf(replicas[0]!), ...leasesOf(replicas[1]!)].sort(), {
        timeout: 10_000,
      })
      .toEqual(["deadline-scheduler", "outbox"]);

    // Clients behind a load balancer: each envelope goes to a replica, and if that replica
    // fails before answering, to the other; an envelope counts once it has a receipt.
    const receipted = new Map<string, string>();
    let killed: Replica | null = null;
    const live = () => replicas.filter((r) => r !== killed);
    const send = async (n: number): Promise<void> => {
      const now = new Date();
      const jws = signEnvelope(
        {
          ...fixture("case.notify"),
          id: ulid(),
          to: [{ participant: "TH:DSDW" }],
          sentAt: now.toISOString().replace(/\.\d+Z$/, "Z"),
          expiresAt: new Date(now.getTime() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
        },
        signers.get("TH:DOE")!,
      );
      for (let attempt = 0; attempt < 20; attempt++) {
        const targets = live();
        const target = targets[(n + attempt) % targets.length]!;
        try {
          const res = await fetch(`${target.url}/v1/envelopes`, {
            method: "POST",
            headers: { "content-type": "application/jose" },
            body: jws,
          });
          if (res.status === 200 || res.status === 201) {
            const body = (await res.json()) as { messageId: string; receipt: string };
            receipted.set(body.messageId, body.receipt);
            return;
          }
          if (res.status < 500) throw new Error(`refused: ${res.status} ${await res.text()}`);
        } catch (error) {
          if (String(error).includes("refused:")) throw error;
        }
      }
      throw new Error(`envelope ${n} found no replica to take it`);
    };
    let next = 0;
    const worker = async (stopAt: () => boolean) => {
      while (!stopAt()) await send(next++);
    };
    // Load from 6 clients; once 150 envelopes are receipted, kill the replica holding the outbox.
    const total = 400;
    const load = Promise.all(Array.from({ length: 6 }, () => worker(() => next >= total)));
    await expect.poll(() => receipted.size, { timeout: 60_000 }).toBeGreaterThanOrEqual(150);
    killed = replicas.find((r) => leasesOf(r).includes("outbox"))!;
    killed.child.kill("SIGKILL");
    await load;
    const survivor = live()[0]!;

    expect(receipted.size).toBe(total);
    await expect
      .poll(() => leasesOf(survivor), { timeout: 10_000 })
      .toEqual(["deadline-scheduler", "outbox"]);
    // The survivor took the rest of the load (above) and still reports ready.
    expect((await fetch(`${survivor.url}/readyz`)).status).toBe(200);
    survivor.child.kill("SIGTERM");
    await new Promise((r) => survivor.child.once("exit", r));

    const store = new PgStore(fresh.url);
    await store.open();
    try {
      const items = await store.range<InboxItem>("inbox");
      const perMessage = new Map<string, number>();
      for (const [, item] of items)
        perMessage.set(item.messageId, (perMessage.get(item.messageId) ?? 0) + 1);
      // Every receipted envelope is stored, and applied once (one inbox item for its one recipient).
      for (const id of receipted.keys()) {
        expect(await store.get("messages", id), id).toBeDefined();
        expect(perMessage.get(id), id).toBe(1);
      }
      expect(perMessage.size).toBe(total);
      const keys = await readNodeKeys(dir);
      expect(await verifyAudit(store, nodePublicKeys(keys).signing)).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  }, 120_000);
});
