import {
  createSigner,
  generateSigningKey,
  publicJwkOf,
  signTrustList,
  trustListDigest,
  type PrivateJwk,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import type { Kit } from "../kit/load.js";
import type { KitSecrets } from "../kit/files.js";
import { AGENCIES, PEER_AGENCY, PEER_NODE } from "../kit/agencies.js";
import {
  generateNodeKeyPair,
  genesisProposal,
  memberEntry,
  type NodeKeyPair,
} from "../kit/trust.js";
import { PeerDocuments } from "../peer/documents.js";

/** The agency code of the participant the client under test plays. */
export const CLIENT_CODE = "CONF-CLIENT";
const KEYS_SINCE = "2020-01-01T00:00:00Z";

/**
 * Who is who while the client profile runs: the stand-in national node (the kit's node id,
 * with a key of its own made for the run), the client's participant and its key (made for the
 * run and handed to the client), two harness agencies of the node that send to it (the kit's
 * LI and VS), and the foreign harness peer node XA with its agency, in a trust list that both
 * nodes signed.
 */
export interface ClientWorld {
  node: string;
  participant: string;
  clientKey: PrivateJwk;
  /** The local senders: LI signs referrals, VS's key is the wrong signer for them. */
  li: { id: string; key: PrivateJwk };
  vs: { id: string; key: PrivateJwk };
  foreign: { node: string; agency: string; key: PrivateJwk };
  /** The stand-in node's signed documents (metadata, directory) and its receipt signer. */
  docs: PeerDocuments;
  /** XA's directory, as the stand-in node holds it. */
  foreignDocs: PeerDocuments;
  trust: { version: number; digest: string; trustList: SignedTrustList };
}

/** @example const world = makeWorld(kit, "http://127.0.0.1:41234") */
export function makeWorld(kit: Kit, url: string): ClientWorld {
  const node = kit.manifest.nodeId;
  const participant = `${node}:${CLIENT_CODE}`;
  const clientKey = generateSigningKey().privateJwk;
  const nodeKeys: NodeKeyPair = generateNodeKeyPair();
  const foreignKeys = kit.secrets.nodes[PEER_NODE]!;
  const secrets: KitSecrets = {
    ...kit.secrets,
    peerAgency: clientKey,
    nodes: { ...kit.secrets.nodes, [node]: nodeKeys },
  };
  const docs = new PeerDocuments(node, participant, secrets, url);
  const li = { id: kit.manifest.agencies.LI, key: kit.secrets.agencies.LI };
  const vs = { id: kit.manifest.agencies.VS, key: kit.secrets.agencies.VS };
  docs.extraParticipants.push(
    participantEntry(li.id, "LI", li.key),
    participantEntry(vs.id, "VS", vs.key),
  );
  const foreignDocs = new PeerDocuments(PEER_NODE, PEER_AGENCY, kit.secrets, kit.manifest.peer.url);
  const members = [
    memberEntry(node, nodeKeys, `${url}/federation/v1`, "active", KEYS_SINCE),
    memberEntry(
      PEER_NODE,
      foreignKeys,
      `${kit.manifest.peer.url}/federation/v1`,
      "active",
      KEYS_SINCE,
    ),
  ];
  let signed = genesisProposal(members, new Date());
  for (const keys of [nodeKeys, foreignKeys])
    signed = signTrustList(signed, createSigner(keys.signing));
  return {
    node,
    participant,
    clientKey,
    li,
    vs,
    foreign: { node: PEER_NODE, agency: PEER_AGENCY, key: kit.secrets.peerAgency },
    docs,
    foreignDocs,
    trust: { version: 1, digest: trustListDigest(signed), trustList: signed },
  };
}

function participantEntry(
  id: string,
  name: "LI" | "VS",
  key: PrivateJwk,
): Types.DirectoryParticipant {
  const a = AGENCIES[name];
  const pub = publicJwkOf(key);
  return {
    id,
    name: a.name,
    roles: a.roles,
    orgType: a.orgType,
    immigrationFunctions: a.immigrationFunctions,
    powers: a.powers,
    acceptedTypes: [],
    keys: [{ kty: "OKP", crv: "Ed25519", x: pub.x, kid: pub.kid!, status: "current" }],
    status: "active",
  } as Types.DirectoryParticipant;
}
