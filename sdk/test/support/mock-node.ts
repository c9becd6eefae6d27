import { generateKeyPairSync } from "node:crypto";
import {
  canonicalize,
  createSigner,
  digestOf,
  generateSigningKey,
  messageTypeValues,
  parseCanonicalObject,
  parseCompact,
  signCompact,
  signReceipt,
  thumbprint,
  type PrivateJwk,
  type Signer,
  type Types,
} from "@frx/spec";
import { MockAgent } from "undici";
import { createClient, type ClientOptions, type FrxClient } from "../../src/index.js";

type DocumentTyp = "frx-metadata+jws" | "frx-directory+jws" | "frx-registry+jws";

export const NODE_URL = "http://th-node.test";
export const NOW = "2026-03-02T09:45:00.000Z";

const encoder = new TextEncoder();

/** The agencies of the mock directory: roles as the policy sees them. */
const AGENCIES = [
  { id: "TH:DOE", roles: ["labour_inspectorate"], orgType: "LabourInspectorate" },
  { id: "TH:DSDW", roles: ["victim_services"], orgType: "CentralGovernmentOrganisation" },
  { id: "TH:ATPD", roles: ["anti_trafficking_police"], orgType: "LawEnforcement" },
  { id: "TH:IMB", roles: ["anti_trafficking_police"], orgType: "ImmigrationService" },
] as const;

export interface MockNode {
  agent: MockAgent;
  pool: ReturnType<MockAgent["get"]>;
  keys: Map<string, PrivateJwk>;
  nodeSigner: ReturnType<typeof createSigner>;
  /** A client for `participant` on the mock agent, time frozen at NOW, waits recorded. */
  client(participant?: string, options?: Partial<ClientOptions>): FrxClient;
  /** Every backoff wait the clients asked for, in ms. */
  waits: number[];
  /** The node's 201 reply for a submitted JWS (its receipt signed by the node). */
  reply(jws: string, overrides?: Partial<Types.Receipt>): object;
  /** Serves the signed metadata and directory, as often as asked. */
  serveDocuments(): void;
  /** Serves the signed metadata only. */
  serveMetadata(): void;
  /** Signs a document as this node does (or with `signer`). */
  sign(doc: object, typ: DocumentTyp, signer?: Signer): string;
}

/** A TH node simulated on undici's MockAgent: signed metadata, directory and receipts. */
export function mockNode(): MockNode {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(NODE_URL);
  const nodeKey = generateSigningKey();
  const nodeSigner = createSigner(nodeKey.privateJwk);
  const keys = new Map<string, PrivateJwk>();
  const participants = AGENCIES.map((a) => {
    const { privateJwk, publicJwk } = generateSigningKey();
    keys.set(a.id, privateJwk);
    return {
      ...a,
      roles: [...a.roles],
      name: a.id,
      immigrationFunctions: a.orgType === "ImmigrationService",
      powers: [],
      acceptedTypes: [],
      keys: [
        { kty: "OKP", crv: "Ed25519", x: publicJwk.x, kid: publicJwk.kid!, status: "current" },
      ],
      status: "active",
    };
  });
  const directory = { frx: "1", node: "TH", issuedAt: NOW, participants };
  const enc = generateKeyPairSync("x25519").publicKey.export({ format: "jwk" }) as { x: string };
  const metadata = {
    frx: "1",
    node: "TH",
    name: "mock TH node",
    software: { name: "mock", version: "0" },
    protocolVersions: ["1"],
    endpoints: { agency: `${NODE_URL}/v1`, federation: `${NODE_URL}/federation/v1` },
    signingKeys: [
      {
        jwk: { ...nodeKey.publicJwk, kid: nodeKey.publicJwk.kid!, use: "sig" },
        status: "current",
        notBefore: "2026-01-01T00:00:00Z",
      },
    ],
    encryptionKey: {
      kty: "OKP",
      crv: "X25519",
      x: enc.x,
      kid: thumbprint({ kty: "OKP", crv: "X25519", x: enc.x }),
      use: "enc",
    },
    acceptedTypes: [...messageTypeValues],
  };
  const sign = (doc: object, typ: DocumentTyp, signer: Signer = nodeSigner) =>
    signCompact(encoder.encode(canonicalize(doc)), typ, signer);
  const serveMetadata = () =>
    pool
      .intercept({ path: "/.well-known/frx-node", method: "GET" })
      .reply(200, { metadata, jws: sign(metadata, "frx-metadata+jws") })
      .persist();
  const waits: number[] = [];
  return {
    agent,
    pool,
    keys,
    nodeSigner,
    waits,
    client: (participant = "TH:DOE", options = {}) =>
      createClient({
        nodeUrl: NODE_URL,
        node: "TH",
        participant,
        privateKey: keys.get(participant)!,
        dispatcher: agent,
        clock: {
          now: () => new Date(NOW),
          sleep: (ms) => {
            waits.push(ms);
            return Promise.resolve();
          },
        },
        ...options,
      }),
    reply: (jws, overrides = {}) => {
      const message = parseCanonicalObject(parseCompact(jws, "frx-envelope+jws").payload);
      const receipt: Types.Receipt = {
        frx: "1",
        receiptId: "01KJPZ0000000000000000000R",
        messageId: String(message.id),
        digest: digestOf(jws),
        receivedAt: NOW,
        node: "TH",
        status: "accepted",
        deliveredTo: ["TH:DSDW"],
        ...overrides,
      };
      return {
        status: "accepted",
        messageId: message.id,
        receipt: signReceipt(receipt, nodeSigner),
        deliveredTo: receipt.deliveredTo,
      };
    },
    sign,
    serveMetadata,
    serveDocuments: () => {
      serveMetadata();
      pool
        .intercept({ path: "/v1/directory", method: "GET" })
        .reply(200, { directory, jws: sign(directory, "frx-directory+jws") })
        .persist();
    },
  };
}
