import { memberEntry } from "@frx/node";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  registerParticipant,
  type FrxNode,
  type Logger,
  type NodeConfig,
  type NodeKeys,
  provideKeyFile,
} from "@frx/node";
import {
  createClient,
  generateAgencyKey,
  publicJwkForRegistration,
  type FrxClient,
  type PrivateJwk,
} from "@frx/sdk";
import {
  createSigner,
  draftTrustList,
  signTrustList,
  trustListDigest,
  type Types,
} from "@frx/spec";
import { CAST } from "./cast.js";

interface Running {
  node: FrxNode;
  keys: NodeKeys;
  dir: string;
  url: string;
  port: number;
}

/**
 * A federation of national nodes on this machine: each on its own loopback port with an
 * embedded level store in a temporary folder, its agencies registered with fresh keys, and a
 * genesis trust list signed by every node and pinned in each node's configuration — the same
 * steps an operator takes, done in one process.
 */
export class LocalFederation {
  readonly running = new Map<string, Running>();
  readonly agencyKeys = new Map<string, PrivateJwk>();
  private readonly clients = new Map<string, FrxClient>();
  private genesisDigest = "";

  private constructor(
    private readonly root: string,
    private readonly logger: Logger,
    private readonly configure: (config: NodeConfig) => void,
  ) {}

  /** `configure` changes each node's configuration before it first starts (and on restarts). */
  static async start(
    countries: string[],
    logger: Logger,
    configure: (config: NodeConfig) => void = () => undefined,
  ): Promise<LocalFederation> {
    const fed = new LocalFederation(await mkdtemp(join(tmpdir(), "frx-demo-")), logger, configure);
    for (const cc of countries) await fed.boot(cc);
    await fed.signGenesis();
    return fed;
  }

  get folder(): string {
    return this.root;
  }

  url(cc: string): string {
    return this.running.get(cc)!.url;
  }

  /** An SDK client acting as `participant` at its own node. */
  client(participant: string): FrxClient {
    let c = this.clients.get(participant);
    if (!c) {
      const cc = participant.slice(0, 2);
      c = createClient({
        nodeUrl: this.url(cc),
        node: cc,
        participant,
        privateKey: this.agencyKeys.get(participant)!,
      });
      this.clients.set(participant, c);
    }
    return c;
  }

  /** A client whose local policy pre-check is off, to show that the node enforces the policy by itself. */
  clientWithoutPrecheck(participant: string): FrxClient {
    const cc = participant.slice(0, 2);
    const c = createClient({
      nodeUrl: this.url(cc),
      node: cc,
      participant,
      privateKey: this.agencyKeys.get(participant)!,
      policyPrecheck: false,
    });
    this.clients.set(`${participant}#raw`, c);
    return c;
  }

  /** Stops a node as if its country's link went down (its store stays on disk). */
  async stop(cc: string): Promise<void> {
    await this.running.get(cc)!.node.close();
  }

  /** Starts a stopped node again on the same port and disk. */
  async restart(cc: string): Promise<void> {
    await this.boot(cc, this.running.get(cc));
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) await c.close();
    for (const r of this.running.values()) await r.node.close().catch(() => undefined);
    await rm(this.root, { recursive: true, force: true });
  }

  private async boot(cc: string, previous?: Running): Promise<void> {
    const dir = previous?.dir ?? join(this.root, cc);
    const keys = previous?.keys ?? generateNodeKeys();
    const config = defaultConfig(cc, { name: CAST[cc]!.name, port: previous?.port ?? 0 });
    config.federation = {
      ...config.federation,
      backoffBaseMs: 200,
      backoffCapMs: 2000,
      directoryCooldownMs: 1000,
      genesisDigest: this.genesisDigest || null,
    };
    this.configure(config);
    await mkdir(dir, { recursive: true });
    await provideKeyFile(dir, config);
    const node = await createNode({ config, keys, dir, logger: this.logger });
    if (!previous) {
      for (const a of CAST[cc]!.agencies) {
        const { privateJwk } = generateAgencyKey();
        this.agencyKeys.set(a.id, privateJwk);
        await registerParticipant(node.ctx, {
          ...a,
          publicJwk: publicJwkForRegistration(privateJwk),
        });
      }
    }
    const { url, port } = await node.start();
    this.running.set(cc, { node, keys, dir, url, port });
  }

  /** The genesis trust list: every node a member, quorum a majority, signed by all, pinned and applied. */
  private async signGenesis(): Promise<void> {
    const notBefore = new Date(Date.now() - 60_000).toISOString();
    const members = [...this.running].map(([cc, r]) =>
      memberEntry({ node: cc, name: CAST[cc]!.name }, r.keys, `${r.url}/federation/v1`, notBefore),
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
    const signed = [...this.running.values()].reduce(
      (s, r) => signTrustList(s, createSigner(r.keys.signing)),
      draftTrustList(list),
    );
    this.genesisDigest = trustListDigest(signed);
    for (const r of this.running.values()) {
      r.node.ctx.config.federation.genesisDigest = this.genesisDigest;
      await r.node.applyTrustList(signed);
    }
  }
}
