import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createSigner,
  generateSigningKey,
  publicJwkOf,
  signTrustList,
  validateDocument,
  type Types,
} from "@frx/spec";
import { SUITE } from "../version.js";
import { AGENCIES, AGENCY_NAMES, PEER_AGENCY, PEER_NODE, SUSPENDED_NODE } from "./agencies.js";
import { KIT_FILES, type KitManifest, type KitSecrets, type Registration } from "./files.js";
import { configOverrides, operatorScript, registerScript } from "./operator.js";
import { generateNodeKeyPair, genesisProposal, memberEntry } from "./trust.js";

export interface KitOptions {
  out: string;
  /** The node under test, e.g. "TH". */
  nodeId: string;
  /** The node's trust-list member entry (frx-node trust member), to put it in the genesis list. */
  nodeMember?: Types.TrustListMember;
  /** Where the harness peer node will listen during `run` (loopback). */
  peerUrl?: string;
  now?: Date;
  /** Overwrite a kit already in `out` (refused otherwise: its keys may be installed at a node). */
  force?: boolean;
}

/** A kit is already in the folder; overwriting it would orphan the keys installed at a node. */
export class KitExists extends Error {
  override readonly name = "KitExists";
  constructor(
    readonly dir: string,
    readonly files: string[],
  ) {
    super(
      `${dir} already holds a kit (${files.join(", ")}): choose another --out folder, or pass --force to overwrite it`,
    );
  }
}

async function existingKitFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of Object.values(KIT_FILES))
    if (
      await access(join(dir, name)).then(
        () => true,
        () => false,
      )
    )
      found.push(name);
  return found;
}

/**
 * Writes a certification kit: the harness agencies' keys and their registration file,
 * the harness peer nodes' keys and trust-list entries, a genesis trust list proposal
 * signed by the harness, and the configuration overrides the operator applies.
 *
 * @example await makeKit({ out: "kit", nodeId: "TH", nodeMember })
 */
export async function makeKit(options: KitOptions): Promise<KitManifest> {
  const { nodeId } = options;
  if (!/^[A-Z]{2}$/.test(nodeId)) throw new TypeError(`--node-id must be like TH, not ${nodeId}`);
  if (nodeId === PEER_NODE || nodeId === SUSPENDED_NODE)
    throw new TypeError(`${nodeId} is the harness's own node id`);
  if (options.nodeMember) {
    validateDocument("documents/trust-list.json#/$defs/member", options.nodeMember);
    if (options.nodeMember.node !== nodeId)
      throw new TypeError(`the member entry is for ${options.nodeMember.node}, not ${nodeId}`);
  }
  if (!options.force) {
    const found = await existingKitFiles(options.out);
    if (found.length > 0) throw new KitExists(options.out, found);
  }
  const now = options.now ?? new Date();
  const peerUrl = (options.peerUrl ?? "http://127.0.0.1:7499").replace(/\/$/, "");
  const secrets: KitSecrets = {
    agencies: Object.fromEntries(
      AGENCY_NAMES.map((n) => [n, generateSigningKey().privateJwk]),
    ) as KitSecrets["agencies"],
    peerAgency: generateSigningKey().privateJwk,
    nodes: { [PEER_NODE]: generateNodeKeyPair(), [SUSPENDED_NODE]: generateNodeKeyPair() },
    report: generateSigningKey().privateJwk,
    metricsToken: randomBytes(24).toString("base64url"),
  };
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const peers = [
    memberEntry(PEER_NODE, secrets.nodes[PEER_NODE]!, `${peerUrl}/federation/v1`, "active", since),
    memberEntry(
      SUSPENDED_NODE,
      secrets.nodes[SUSPENDED_NODE]!,
      `${peerUrl}/xb/federation/v1`,
      "suspended",
      since,
    ),
  ];
  const members = options.nodeMember ? [options.nodeMember, ...peers] : peers;
  const genesis = signTrustList(
    genesisProposal(members, now),
    createSigner(secrets.nodes[PEER_NODE]!.signing),
  );
  const registration: Registration[] = AGENCY_NAMES.map((n) => ({
    id: `${nodeId}:${AGENCIES[n].code}`,
    name: AGENCIES[n].name,
    roles: AGENCIES[n].roles,
    orgType: AGENCIES[n].orgType,
    immigrationFunctions: AGENCIES[n].immigrationFunctions,
    powers: AGENCIES[n].powers,
    publicJwk: publicJwkOf(secrets.agencies[n]),
    status: AGENCIES[n].status,
  }));
  const manifest: KitManifest = {
    frx: "1",
    suite: SUITE,
    createdAt: now.toISOString(),
    nodeId,
    agencies: Object.fromEntries(
      AGENCY_NAMES.map((n) => [n, `${nodeId}:${AGENCIES[n].code}`]),
    ) as KitManifest["agencies"],
    peer: { node: PEER_NODE, agency: PEER_AGENCY, url: peerUrl, suspended: SUSPENDED_NODE },
    nodeInTrustList: options.nodeMember !== undefined,
    reportKid: publicJwkOf(secrets.report).kid!,
    reportKey: publicJwkOf(secrets.report),
  };

  const dir = options.out;
  await mkdir(join(dir, KIT_FILES.publicKeys), { recursive: true });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  await writeFile(join(dir, KIT_FILES.secrets), json(secrets), { mode: 0o600 });
  await chmod(join(dir, KIT_FILES.secrets), 0o600);
  await writeFile(join(dir, KIT_FILES.manifest), json(manifest));
  await writeFile(join(dir, KIT_FILES.registration), json(registration));
  for (const r of registration)
    await writeFile(
      join(dir, KIT_FILES.publicKeys, `${r.id.split(":")[1]}.jwk.json`),
      json(r.publicJwk),
    );
  await writeFile(join(dir, KIT_FILES.script), registerScript(registration), { mode: 0o755 });
  await writeFile(join(dir, KIT_FILES.operatorScript), operatorScript(), { mode: 0o755 });
  await writeFile(join(dir, KIT_FILES.genesis), json(genesis));
  await writeFile(join(dir, KIT_FILES.peerMembers), json(peers));
  if (options.nodeMember)
    await writeFile(join(dir, KIT_FILES.nodeMember), json(options.nodeMember));
  await writeFile(join(dir, KIT_FILES.overrides), json(configOverrides(secrets.metricsToken)));
  return manifest;
}

/** Reads a member entry file as `frx-node trust member --out FILE` writes it. */
export async function readMemberFile(file: string): Promise<Types.TrustListMember> {
  return validateDocument<Types.TrustListMember>(
    "documents/trust-list.json#/$defs/member",
    JSON.parse(await readFile(file, "utf8")),
  );
}
