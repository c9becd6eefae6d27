import type { PrivateJwk, PublicJwk, Types } from "@frx/spec";
import type { AgencyName } from "./agencies.js";
import type { NodeKeyPair } from "./trust.js";

/** File names inside a kit folder. */
export const KIT_FILES = {
  manifest: "kit.json",
  secrets: "harness-keys.json",
  registration: "agencies.json",
  publicKeys: "agency-keys",
  script: "register-reference-node.sh",
  operatorScript: "operator-reference-node.sh",
  genesis: "trust-genesis.json",
  peerMembers: "peer-members.json",
  nodeMember: "node-member.json",
  overrides: "config-overrides.json",
} as const;

/** kit.json: what the kit is for. Public. */
export interface KitManifest {
  frx: "1";
  suite: { name: string; version: string };
  createdAt: string;
  /** The node under test. */
  nodeId: string;
  agencies: Record<AgencyName, string>;
  peer: { node: string; agency: string; url: string; suspended: string };
  /** Whether the genesis proposal lists the node under test (from --node-member). */
  nodeInTrustList: boolean;
  /** kid of the key that signs reports. */
  reportKid: string;
  /** The public key that signs reports: report.json.jws verifies with it (verify-report --kit). */
  reportKey: PublicJwk;
}

/** harness-keys.json: every private key the harness plays with. Mode 0600. */
export interface KitSecrets {
  agencies: Record<AgencyName, PrivateJwk>;
  peerAgency: PrivateJwk;
  nodes: Record<string, NodeKeyPair>;
  report: PrivateJwk;
  /** The bearer token config-overrides.json sets for /metrics (FRX-ADM-013); absent in older kits. */
  metricsToken?: string;
}

/** One line of agencies.json, the registration file an operator feeds to the node. */
export interface Registration {
  id: string;
  name: string;
  roles: string[];
  orgType: string;
  immigrationFunctions: boolean;
  powers: string[];
  publicJwk: PublicJwk;
  status: "active" | "disabled";
}

export type Member = Types.TrustListMember;
