import { memberEntry } from "../../src/index.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  draftTrustList,
  generateSigningKey,
  signTrustList,
  trustListDigest,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  ManualClock,
  MemoryAttachmentStore,
  memoryLogger,
  registerParticipant,
  type NodeConfig,
  type NodeKeys,
} from "../../src/index.js";
import { openLevel } from "../../src/store/db.js";
import { FileAttachmentStore } from "../../src/store/attachments.js";
import {
  FIXTURE_TIME,
  THAI_AGENCIES,
  withHelpers,
  type Agency,
  type TestNode,
} from "../harness.js";
import { testDataKeys } from "../harness.js";
import type { LevelStore } from "../../src/store/store.js";

/** The agencies of each test country, with the roles and powers routing by mandate needs. */
export const AGENCIES: Record<
  string,
  Array<{ id: string; name: string; roles: string[]; orgType: string; powers?: string[] }>
> = {
  TH: THAI_AGENCIES,
  LA: [
    {
      id: "LA:MOLSW",
      name: "Ministry of Labour and Social Welfare",
      roles: ["labour_inspectorate", "victim_services"],
      orgType: "LabourInspectorate",
      powers: ["workplace_inspection", "victim_protection"],
    },
    {
      id: "LA:DOSM",
      name: "Department of Skills Development and Employment",
      roles: ["recruitment_regulator"],
      orgType: "RecruitmentRegulator",
      powers: ["licence_revocation", "licence_suspension"],
    },
    {
      id: "LA:ATD",
      name: "Anti-Human Trafficking Department",
      roles: ["anti_trafficking_police"],
      orgType: "LawEnforcement",
      powers: ["arrest", "criminal_investigation"],
    },
    {
      id: "LA:NCC",
      name: "National coordination",
      roles: ["national_coordinator"],
      orgType: "CentralGovernmentOrganisation",
    },
  ],
  KH: [
    {
      id: "KH:MOLVT",
      name: "Ministry of Labour and Vocational Training",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      powers: ["workplace_inspection"],
    },
    {
      id: "KH:NCCT",
      name: "National Committee for Counter Trafficking",
      roles: ["national_coordinator"],
      orgType: "CentralGovernmentOrganisation",
    },
  ],
};

export interface Member extends TestNode {
  country: string;
  keys: NodeKeys;
  dir: string;
  url: string;
  port: number;
}

/**
 * Several national nodes in one process, each on its own loopback port with an on-disk
 * level store, its agencies registered, and a genesis trust list signed by every node and
 * pinned in each node's configuration. Backoff is short so outage tests stay quick.
 */
export class Cluster {
  readonly members = new Map<string, Member>();
  trust!: SignedTrustList;
  trustList!: Types.TrustList;
  /** Changes each node's configuration before it is created. */
  private configure: ((config: NodeConfig) => void) | undefined;
  /** Attachments on each node's disk (under its folder) instead of in memory. */
  private files = false;
  /** PostgreSQL store URLs of the members that run on PostgreSQL instead of level. */
  private stores: Record<string, string> = {};

  static async start(
    countries = ["TH", "LA", "KH"],
    configure?: (config: NodeConfig) => void,
    options: { files?: boolean; stores?: Record<string, string> } = {},
  ): Promise<Cluster> {
    const cluster = new Cluster();
    cluster.configure = configure;
    cluster.files = options.files ?? false;
    cluster.stores = options.stores ?? {};
    for (const cc of countries) await cluster.boot(cc);
    await cluster.applyGenesis();
    return cluster;
  }

  get(cc: string): Member {
    return this.members.get(cc)!;
  }

  /** Starts (or restarts, same port and disk) the node of `cc`. */
  async boot(cc: string, previous?: Member): Promise<Member> {
    const dir = previous?.dir ?? (await mkdtemp(join(tmpdir(), `frx-fed-${cc}-`)));
    const keys = previous?.keys ?? generateNodeKeys();
    const clock = previous?.clock ?? new ManualClock(FIXTURE_TIME);
    const logger = memoryLogger();
    const config = defaultConfig(cc, { port: previous?.port ?? 0, sync: true });
    config.federation = {
      ...config.federation,
      backoffBaseMs: 20,
      backoffCapMs: 200,
      requestTimeoutMs: 5000,
      directoryCooldownMs: 0,
      genesisDigest: previous ? trustListDigest(this.trust) : null,
    };
    this.configure?.(config);
    // A member on PostgreSQL (config.store): the level folder stays unused.
    if (this.stores[cc]) config.store = this.stores[cc];
    const node = await createNode({
      config,
      keys,
      db: openLevel(join(dir, "store")),
      attachments: this.files
        ? new FileAttachmentStore(join(dir, "attachments"))
        : new MemoryAttachmentStore(),
      dataKeys: testDataKeys,
      clock,
      logger,
    });
    const agencies = previous?.agencies ?? new Map<string, Agency>();
    if (!previous) {
      for (const a of AGENCIES[cc] ?? []) {
        const { privateJwk, publicJwk } = generateSigningKey();
        await registerParticipant(node.ctx, { ...a, publicJwk });
        agencies.set(a.id, { id: a.id, privateJwk, signer: createSigner(privateJwk) });
      }
    }
    const { url, port } = await node.start();
    config.publicUrl = url;
    const member: Member = {
      ...withHelpers({
        node,
        clock,
        agencies,
        logger,
        db: (node.ctx.store as LevelStore).db,
        config,
      }),
      country: cc,
      keys,
      dir,
      url,
      port,
    };
    this.members.set(cc, member);
    return member;
  }

  /** The genesis list: every member, signed by all, pinned, applied everywhere. */
  private async applyGenesis(): Promise<void> {
    this.trustList = {
      frx: "1",
      version: 1,
      issuedAt: "2026-01-01T00:00:00Z",
      expiresAt: "2027-01-01T00:00:00Z",
      quorum: 2,
      members: [...this.members.values()].map((m) =>
        memberEntry(
          { node: m.country, name: `FRX national node ${m.country}` },
          m.keys,
          `${m.url}/federation/v1`,
          "2025-01-01T00:00:00Z",
        ),
      ),
    };
    this.trust = [...this.members.values()].reduce(
      (s, m) => signTrustList(s, createSigner(m.keys.signing)),
      draftTrustList(this.trustList),
    );
    for (const m of this.members.values()) {
      m.config.federation.genesisDigest = trustListDigest(this.trust);
      await m.node.applyTrustList(this.trust);
    }
  }

  /** A new trust list version signed by the given members, applied on every running node. */
  async nextTrustList(
    change: (list: Types.TrustList) => Types.TrustList,
    signers: string[],
  ): Promise<SignedTrustList> {
    const next = change({
      ...structuredClone(this.trustList),
      version: this.trustList.version + 1,
      previousDigest: trustListDigest(this.trust),
    });
    const signed = signers.reduce(
      (s, cc) => signTrustList(s, createSigner(this.get(cc).keys.signing)),
      draftTrustList(next),
    );
    for (const m of this.members.values()) await m.node.applyTrustList(signed);
    this.trust = signed;
    this.trustList = next;
    return signed;
  }

  async stop(cc: string): Promise<void> {
    await this.get(cc).node.close();
  }

  async close(): Promise<void> {
    for (const m of this.members.values()) {
      await m.node.close().catch(() => undefined);
      await rm(m.dir, { recursive: true, force: true });
    }
  }
}

/** Polls until `check` holds (bounded: about 10 s), for effects that happen in the background. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
