import { fork, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateNodeKeys, memberEntry, writeNodeKeys, type NodeKeys } from "@frx/node";
import { generateAgencyKey, publicJwkForRegistration, type PrivateJwk } from "@frx/sdk";
import {
  createSigner,
  draftTrustList,
  signTrustList,
  trustListDigest,
  type Types,
} from "@frx/spec";
import { SOAK_CAST } from "./cast.js";
import type { Ask, BootParams, NodeStats } from "./node-process.js";

// The built child, whether this module runs from dist/ or (under vitest) from src/: npm test
// builds before it tests.
/** V8 flags of the node processes, as the operator guide recommends. */
export const NODE_FLAGS = ["--max-semi-space-size=8"];
const CHILD = fileURLToPath(new URL("../dist/node-process.js", import.meta.url));

interface Member {
  cc: string;
  dir: string;
  keys: NodeKeys;
  port: number;
  url: string;
  child: ChildProcess | null;
  pending: Map<number, (reply: { ok: boolean; value?: unknown; error?: string }) => void>;
}

/**
 * Three national nodes, each in its own process on a loopback port with a level store on disk:
 * agencies registered with fresh keys, a genesis trust list signed by all and pinned. A node
 * can be stopped (a peer outage) and started again on the same port and disk (a restart).
 */
export class Cluster {
  readonly agencyKeys = new Map<string, PrivateJwk>();
  /** Node processes that exited without being stopped. */
  crashes = 0;
  private readonly members = new Map<string, Member>();
  private genesisDigest: string | null = null;
  private nextId = 1;

  private constructor(
    readonly root: string,
    /** Where each node's warnings and errors go (kept after the run). */
    readonly logDir: string,
  ) {}

  private logFile(cc: string): string {
    return join(this.logDir, `${cc}.log`);
  }

  static async start(countries: string[], logDir?: string): Promise<Cluster> {
    const root = await mkdtemp(join(tmpdir(), "frx-soak-"));
    // Logs outlive the run (the store folder does not): a node that failed can be read after.
    const logs = logDir ?? (await mkdtemp(join(tmpdir(), "frx-soak-logs-")));
    const cluster = new Cluster(root, logs);
    for (const cc of countries) {
      const dir = join(root, cc);
      await mkdir(dir, { recursive: true });
      const keys = generateNodeKeys();
      await writeNodeKeys(dir, keys);
      const agencies = SOAK_CAST[cc]!.map((a) => {
        const { privateJwk } = generateAgencyKey();
        cluster.agencyKeys.set(a.id, privateJwk);
        return { ...a, publicJwk: publicJwkForRegistration(privateJwk) };
      });
      const m: Member = { cc, dir, keys, port: 0, url: "", child: null, pending: new Map() };
      cluster.members.set(cc, m);
      await cluster.spawn(m, agencies);
    }
    await cluster.signGenesis();
    return cluster;
  }

  url(cc: string): string {
    return this.members.get(cc)!.url;
  }

  /** Memory, handles and store size of one node, measured in its process after a full GC. */
  stats(cc: string): Promise<NodeStats> {
    return this.ask(cc, { cmd: "stats" }) as Promise<NodeStats>;
  }

  isUp(cc: string): boolean {
    return this.members.get(cc)!.child !== null;
  }

  /** SIGTERM: the node drains and closes its store; resolves when the process has exited. */
  async stop(cc: string): Promise<void> {
    const m = this.members.get(cc)!;
    const child = m.child;
    if (!child) return;
    m.child = null;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    for (const reply of m.pending.values()) reply({ ok: false, error: "the node stopped" });
    m.pending.clear();
  }

  async restart(cc: string): Promise<void> {
    await this.stop(cc);
    await this.spawn(this.members.get(cc)!, []);
  }

  async close(): Promise<void> {
    for (const cc of this.members.keys()) await this.stop(cc);
    await rm(this.root, { recursive: true, force: true });
  }

  private async spawn(m: Member, agencies: BootParams["agencies"]): Promise<void> {
    const boot: BootParams = {
      cc: m.cc,
      dir: m.dir,
      port: m.port,
      genesisDigest: this.genesisDigest,
      agencies,
    };
    const { openSync } = await import("node:fs");
    const log = openSync(this.logFile(m.cc), "a");
    const child = fork(CHILD, [], {
      // Nodes run as the operator guide deploys them: glibc limited to two malloc arenas, without
      // which the libuv and LevelDB threads' arenas fragment and RSS creeps up for hours, and
      // V8's semi-spaces capped at 8 MB ("Start and stop").
      env: { MALLOC_ARENA_MAX: "2", ...process.env, FRX_SOAK_BOOT: JSON.stringify(boot) },
      execArgv: ["--expose-gc", ...NODE_FLAGS],
      stdio: ["ignore", log, log, "ipc"],
    });
    child.on("message", (msg: { id?: number; ok?: boolean }) => {
      if (msg.id !== undefined) {
        m.pending.get(msg.id)?.(msg as never);
        m.pending.delete(msg.id);
      }
    });
    const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
      child.once("exit", (code) =>
        reject(
          new Error(`node ${m.cc} exited (${code}) before it was ready; see ${this.logFile(m.cc)}`),
        ),
      );
      child.on("message", (msg: { ready?: boolean; url: string; port: number }) => {
        if (msg.ready) resolve(msg);
      });
    });
    child.removeAllListeners("exit");
    child.once("exit", () => {
      // Exited without being asked to: counted, and the node stays down.
      if (m.child === child) {
        this.crashes++;
        m.child = null;
      }
    });
    m.child = child;
    m.port = ready.port;
    m.url = ready.url;
  }

  private ask(cc: string, request: Ask): Promise<unknown> {
    const m = this.members.get(cc)!;
    if (!m.child) return Promise.reject(new Error(`node ${cc} is stopped`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      m.pending.set(id, (reply) =>
        reply.ok ? resolve(reply.value) : reject(new Error(reply.error)),
      );
      m.child!.send({ ...request, id });
    });
  }

  /** The genesis trust list: every node a member, quorum a majority, signed by all, pinned and applied. */
  private async signGenesis(): Promise<void> {
    const notBefore = new Date(Date.now() - 60_000).toISOString();
    const members = [...this.members.values()].map((m) =>
      memberEntry(
        { node: m.cc, name: `soak ${m.cc}` },
        m.keys,
        `${m.url}/federation/v1`,
        notBefore,
      ),
    );
    const now = new Date();
    const list: Types.TrustList = {
      frx: "1",
      version: 1,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
      quorum: Math.floor(members.length / 2) + 1,
      members,
    };
    const signed = [...this.members.values()].reduce(
      (s, m) => signTrustList(s, createSigner(m.keys.signing)),
      draftTrustList(list),
    );
    this.genesisDigest = trustListDigest(signed);
    // Pinned from now on: restarts boot with it; the running nodes are restarted to take it.
    for (const m of this.members.values()) {
      await this.restart(m.cc);
      await this.ask(m.cc, { cmd: "trust", signed });
    }
  }
}
