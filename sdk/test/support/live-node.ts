import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  ManualClock,
  MemoryAttachmentStore,
  MemoryKeySource,
  memoryLogger,
  registerParticipant,
  type FrxNode,
} from "@frx/node";
import { generateSigningKey, type PrivateJwk } from "@frx/spec";
import { MemoryLevel } from "memory-level";
import { createClient, type ClientOptions, type FrxClient } from "../../src/index.js";

/** The fixtures' clock: every fixture's sentAt lies between 09:00 and 09:40 on 2 March 2026. */
export const FIXTURE_TIME = "2026-03-02T09:45:00Z";

/** The Thai agencies the spec fixtures use, with their roles and mandates. */
export const THAI_AGENCIES = [
  {
    id: "TH:DOE",
    roles: ["labour_inspectorate"],
    orgType: "LabourInspectorate",
    powers: ["workplace_inspection", "wage_recovery_order"],
  },
  {
    id: "TH:DSDW",
    roles: ["victim_services"],
    orgType: "CentralGovernmentOrganisation",
    powers: ["victim_protection"],
  },
  {
    id: "TH:ATPD",
    roles: ["anti_trafficking_police"],
    orgType: "LawEnforcement",
    powers: ["arrest", "criminal_investigation"],
  },
  {
    id: "TH:DOE-REG",
    roles: ["recruitment_regulator"],
    orgType: "RecruitmentRegulator",
    powers: ["licence_revocation", "licence_suspension"],
  },
  { id: "TH:NCC", roles: ["national_coordinator"], orgType: "CentralGovernmentOrganisation" },
  { id: "TH:IMB", roles: ["anti_trafficking_police"], orgType: "ImmigrationService" },
];

export interface LiveNode {
  node: FrxNode;
  url: string;
  /** The node's clock; clients read it too. `null` when the node runs on the system clock. */
  clock: ManualClock | null;
  attachments: MemoryAttachmentStore;
  keys: Map<string, PrivateJwk>;
  /** A client for `participant`, on the node's clock. */
  client(participant: string, options?: Partial<ClientOptions>): FrxClient;
  close(): Promise<void>;
}

/**
 * A real TH node on memory-level, listening on 127.0.0.1 on a free port, with the Thai
 * agencies registered. Its clock is frozen at the fixtures' time unless `systemClock`.
 */
export async function startNode(options: { systemClock?: boolean } = {}): Promise<LiveNode> {
  const clock = options.systemClock ? null : new ManualClock(FIXTURE_TIME);
  const attachments = new MemoryAttachmentStore();
  const node = await createNode({
    config: defaultConfig("TH", { port: 0, sync: false }),
    keys: generateNodeKeys(),
    db: new MemoryLevel({ valueEncoding: "json" }) as never,
    attachments,
    dataKeys: new MemoryKeySource(),
    ...(clock ? { clock } : {}),
    logger: memoryLogger(),
  });
  const keys = new Map<string, PrivateJwk>();
  for (const a of THAI_AGENCIES) {
    const { privateJwk, publicJwk } = generateSigningKey();
    await registerParticipant(node.ctx, { ...a, name: a.id, publicJwk });
    keys.set(a.id, privateJwk);
  }
  const { url } = await node.start();
  const clients: FrxClient[] = [];
  return {
    node,
    url,
    clock,
    attachments,
    keys,
    client(participant, extra = {}) {
      const client = createClient({
        nodeUrl: url,
        node: "TH",
        participant,
        privateKey: keys.get(participant)!,
        ...(clock ? { clock: { now: () => clock.now() } } : {}),
        ...extra,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await node.close();
    },
  };
}
