import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { MemoryLevel } from "memory-level";
import {
  createSigner,
  generateSigningKey,
  signEnvelope,
  type PrivateJwk,
  type Signer,
} from "@frx/spec";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  ManualClock,
  MemoryAttachmentStore,
  memoryLogger,
  registerParticipant,
  type FrxNode,
  type NodeConfig,
} from "../src/index.js";
import type { RootDb } from "../src/store/db.js";
import { PgStore } from "../src/store/postgres/pg-store.js";
import { dropSchema, freshStoreUrl, PG_URL } from "./postgres/pg.js";

const specDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "spec");

/** A spec fixture envelope, deep-copied so tests may change it. */
export type Envelope = Record<string, unknown> & {
  id: string;
  body: Record<string, unknown>;
  to: Array<Record<string, string>>;
  case?: string;
  referral?: string;
};

export function fixture(type: string): Envelope {
  return JSON.parse(readFileSync(join(specDir, "fixtures", "messages", `${type}-ok.json`), "utf8"));
}

/** The fixtures' clock: every fixture's sentAt lies between 09:00 and 09:40 on 2 March 2026. */
export const FIXTURE_TIME = "2026-03-02T09:45:00Z";

export interface Agency {
  id: string;
  privateJwk: PrivateJwk;
  signer: Signer;
}

/** The Thai agencies the fixtures use, with their roles. */
export const THAI_AGENCIES: Array<{
  id: string;
  name: string;
  roles: string[];
  orgType: string;
  powers?: string[];
}> = [
  {
    id: "TH:DOE",
    name: "Department of Labour Protection and Welfare",
    roles: ["labour_inspectorate"],
    orgType: "LabourInspectorate",
    powers: ["workplace_inspection", "wage_recovery_order"],
  },
  {
    id: "TH:DSDW",
    name: "Department of Social Development and Welfare",
    roles: ["victim_services"],
    orgType: "CentralGovernmentOrganisation",
    powers: ["victim_protection"],
  },
  {
    id: "TH:ATPD",
    name: "Anti-Trafficking in Persons Division",
    roles: ["anti_trafficking_police"],
    orgType: "LawEnforcement",
    powers: ["arrest", "criminal_investigation"],
  },
  {
    id: "TH:DOE-REG",
    name: "Department of Employment (licensing)",
    roles: ["recruitment_regulator"],
    orgType: "RecruitmentRegulator",
    powers: ["licence_revocation", "licence_suspension"],
  },
  {
    id: "TH:NCC",
    name: "National coordination centre",
    roles: ["national_coordinator"],
    orgType: "CentralGovernmentOrganisation",
    powers: ["consent_override"],
  },
  {
    id: "TH:IMB",
    name: "Police unit with immigration functions",
    roles: ["anti_trafficking_police"],
    orgType: "ImmigrationService",
  },
];

export interface TestNode {
  node: FrxNode;
  clock: ManualClock;
  agencies: Map<string, Agency>;
  logger: ReturnType<typeof memoryLogger>;
  db: RootDb;
  config: NodeConfig;
  /** Signs an envelope as its `from` agency. */
  sign(envelope: Record<string, unknown>): string;
  /** POSTs a signed envelope to the in-process app. */
  submit(jws: string): Promise<Response>;
  /** A fresh agency token for `participant`. */
  token(participant: string, claims?: Record<string, unknown>): Promise<string>;
  /** An authenticated request to the in-process app. */
  as(participant: string, path: string, init?: RequestInit): Promise<Response>;
}

/**
 * A TH node on memory-level with the Thai agencies registered and the clock at the fixtures'
 * time. With FRX_NODE_STORE=postgres (and FRX_PG_URL), a node given no `db` runs on
 * PostgreSQL instead, in a schema of its own dropped when it closes: any node test file can
 * be run against the PostgreSQL store that way.
 */
export async function thaiNode(
  overrides: Partial<NodeConfig> = {},
  given?: RootDb,
  keys = generateNodeKeys(),
): Promise<TestNode> {
  const clock = new ManualClock(FIXTURE_TIME);
  const logger = memoryLogger();
  const config = defaultConfig("TH", { port: 0, sync: false, ...overrides });
  const onPg = !given && process.env.FRX_NODE_STORE === "postgres" && !!PG_URL;
  const fresh = onPg ? freshStoreUrl() : null;
  const db = given ?? (new MemoryLevel({ valueEncoding: "json" }) as unknown as RootDb);
  const node = await createNode({
    config,
    keys,
    db,
    ...(fresh ? { store: new PgStore(fresh.url, { deferMs: config.refusalAuditFlushMs }) } : {}),
    attachments: new MemoryAttachmentStore(),
    clock,
    logger,
  });
  if (fresh) {
    const close = node.close.bind(node);
    node.close = async () => {
      await close();
      await dropSchema(fresh.schema);
    };
  }
  const agencies = new Map<string, Agency>();
  for (const a of THAI_AGENCIES) {
    const { privateJwk, publicJwk } = generateSigningKey();
    await registerParticipant(node.ctx, { ...a, publicJwk });
    agencies.set(a.id, { id: a.id, privateJwk, signer: createSigner(privateJwk) });
  }
  return withHelpers({ node, clock, agencies, logger, db, config });
}

export function withHelpers(t: Omit<TestNode, "sign" | "submit" | "token" | "as">): TestNode {
  const self: TestNode = {
    ...t,
    sign: (envelope) => signEnvelope(envelope, t.agencies.get(String(envelope.from))!.signer),
    submit: (jws) =>
      Promise.resolve(
        t.node.app.request("/v1/envelopes", {
          method: "POST",
          headers: { "content-type": "application/jose" },
          body: jws,
        }),
      ),
    token: async (participant, claims = {}) => {
      const agency = t.agencies.get(participant)!;
      const now = Math.floor(t.clock.now().getTime() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: agency.signer.kid })
        .setIssuer(participant)
        .setAudience(t.config.node)
        .setIssuedAt(now)
        .setExpirationTime(now + 120)
        .setJti(crypto.randomUUID())
        .sign(agency.signer.privateKey);
    },
    as: async (participant, path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${await self.token(participant)}`);
      return t.node.app.request(path, { ...init, headers });
    },
  };
  return self;
}
