import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { Child } from "../../src/bench/children.js";
import { federationAgencies, signCrossBorder } from "../../src/bench/envelopes.js";
import type { FedNodeSetup, FedProgress } from "../../src/bench/fed-node.js";
import { genesis } from "../../src/bench/federation.js";
import { stopServer } from "../../src/bench/parent.js";
import { generateNodeKeys, type NodeKeys } from "../../src/config/keys.js";
import { flightRange } from "../../src/federation/outbox-store.js";
import { openLevel } from "../../src/store/db.js";
import { LevelStore } from "../../src/store/store.js";

// Each node is its own process (the bench's federation node, run from source), so that the
// sender can be killed with SIGKILL as a crash would: no close, no flush.
const FED_NODE = new URL("../../src/bench/fed-node.ts", import.meta.url);
const FEDERATION = { window: 4, batchSize: 2, backoffBaseMs: 20, backoffCapMs: 200 };

const children: Child[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

interface Running {
  child: Child;
  port: number;
}

async function boot(root: string, setup: FedNodeSetup, n: number): Promise<Running> {
  const file = join(root, `setup-${setup.country}-${n}.json`);
  await writeFile(file, JSON.stringify(setup), { mode: 0o600 });
  const child = new Child(`fed-node-${setup.country}`, FED_NODE, [file], ["--import", "tsx"]);
  children.push(child);
  const { port } = await child.next<{ port: number }>(60_000);
  return { child, port };
}

async function ask<T>(child: Child, command: object): Promise<T> {
  const answer = await child.ask<T & { error?: string }>(command, 30_000);
  if (answer.error) throw child.failure(answer.error);
  return answer;
}

/** Reads a stopped (or killed) node's store. */
async function withStore<T>(dir: string, read: (store: LevelStore) => Promise<T>): Promise<T> {
  const store = new LevelStore(openLevel(join(dir, "store")));
  await store.open();
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

async function post(port: number, jws: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/envelopes`, {
    method: "POST",
    headers: { "content-type": "application/jose" },
    body: jws,
  });
  await res.arrayBuffer();
  return res.status;
}

async function until(what: string, test: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe("FRX-FED-089: the sender killed with SIGKILL while a window of transactions is in flight", () => {
  it("resumes the whole window after a restart: every envelope applied once, each case in order", async () => {
    const root = await mkdtemp(join(tmpdir(), "frx-window-crash-"));
    dirs.push(root);
    const agencies = federationAgencies();
    const sender = agencies.TH.find((a) => a.registration.id === "TH:DOE")!;
    // 60 envelopes over 6 cases, interleaved, so that the window holds several cases at once.
    const envelopes = signCrossBorder(sender, ["LA:MOLSW"], 60, 1024, 6);
    const keys: Record<string, NodeKeys> = { TH: generateNodeKeys(), LA: generateNodeKeys() };
    const dir = (cc: string) => join(root, cc);
    let boots = 0;
    const start = (cc: "TH" | "LA", port: number, digest: string | null) =>
      boot(
        root,
        {
          country: cc,
          dir: dir(cc),
          keys: keys[cc]!,
          port,
          agencies: digest ? [] : agencies[cc].map((a) => a.registration),
          genesisDigest: digest,
          federation: FEDERATION,
        },
        ++boots,
      );

    let la = await start("LA", 0, null);
    let th = await start("TH", 0, null);
    const { signed, digest } = genesis([
      { cc: "TH", keys: keys.TH!, url: `http://127.0.0.1:${th.port}` },
      { cc: "LA", keys: keys.LA!, url: `http://127.0.0.1:${la.port}` },
    ]);
    for (const node of [th, la]) await ask(node.child, { cmd: "trust", signed, digest });
    await ask(th.child, { cmd: "ensure", peer: "LA" });

    // LA goes down; TH accepts everything and fills its window with transactions that fail.
    await stopServer(la.child);
    for (const e of envelopes) expect(await post(th.port, e.jws)).toBe(201);
    await until("TH's window to fill", async () => {
      const p = await ask<FedProgress>(th.child, { cmd: "outbox", peer: "LA" });
      return p.flights >= FEDERATION.window;
    });

    // Crash 1: several transactions in flight, recorded on disk.
    th.child.kill();
    await th.child.exited;
    const recorded = await withStore(dir("TH"), (s) =>
      s.range<{ txnId: string; keys: string[]; cases: string[] }>("outbox", flightRange("LA")),
    );
    expect(recorded.length).toBe(FEDERATION.window);
    // No case in two of them (FRX-FED-087).
    const cases = recorded.flatMap(([, f]) => f.cases);
    expect(new Set(cases).size).toBe(cases.length);

    // LA back, TH restarted: it resumes the window; crash 2 as soon as LA has applied some.
    la = await start("LA", la.port, digest);
    th = await start("TH", th.port, digest);
    await until("LA to receive part of the window", async () => {
      const s = await ask<{ received: { accepted: number } }>(la.child, { cmd: "stats" });
      return s.received.accepted > 0;
    });
    th.child.kill();
    await th.child.exited;

    th = await start("TH", th.port, digest);
    await until("TH's outbox for LA to drain", async () => {
      const p = await ask<FedProgress>(th.child, { cmd: "outbox", peer: "LA" });
      return !p.queued && !p.inFlight;
    });
    await stopServer(th.child);
    await stopServer(la.child);

    const accepted = await withStore(dir("LA"), async (s) =>
      (await s.range<{ kind: string; messageId?: string }>("audit"))
        .map(([, e]) => e)
        .filter((e) => e.kind === "accepted")
        .map((e) => e.messageId!),
    );
    // Every envelope applied exactly once…
    expect([...accepted].sort()).toEqual(envelopes.map((e) => e.id).sort());
    // …and each case's in the order TH stored them (FRX-FED-046).
    const caseOf = new Map(envelopes.map((e) => [e.id, e.case]));
    for (const c of new Set(envelopes.map((e) => e.case)))
      expect(accepted.filter((id) => caseOf.get(id) === c)).toEqual(
        envelopes.filter((e) => e.case === c).map((e) => e.id),
      );
    expect(await withStore(dir("TH"), (s) => s.range("deadLetters"))).toEqual([]);
  }, 240_000);
});
