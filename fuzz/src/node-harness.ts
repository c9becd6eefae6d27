import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { MemoryLevel } from "memory-level";
import { publicJwkOf } from "@frx/spec";
import {
  createNode,
  defaultConfig,
  ManualClock,
  MemoryAttachmentStore,
  MemoryKeySource,
  jsonLogger,
  registerParticipant,
  type FrxNode,
  type NodeKeys,
} from "@frx/node";
import type { SignedTrustList } from "@frx/spec";
import { FIXTURE_NOW, signerOf, testKeys, vector } from "./seeds.js";

export interface FuzzNode {
  node: FrxNode;
  clock: ManualClock;
  /** The in-process app: requests never touch a socket. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A TH node on memory-level, holding TH's test node keys and the genesis trust list of the
 * vectors (TH, LA, KH), so its federation routes are live, with the test participants of spec/vectors/test-keys.json
 * registered (so envelopes signed with those keys are genuine), its clock at the fixtures'
 * time and its refusal rate limit out of reach, so the fuzzer reaches every check behind it.
 */
export async function fuzzNode(): Promise<FuzzNode> {
  const clock = new ManualClock(FIXTURE_NOW.toISOString());
  const config = defaultConfig("TH", {
    port: 0,
    sync: false,
    rateLimit: { sourceRefusalsPerSecond: 1e9, agencyRefusalsPerSecond: 1e9, burst: 1e9 },
  });
  const trust = vector<{ pinnedDigest: string; trustList: SignedTrustList }>(
    "trust/genesis-ok.json",
  );
  config.federation.genesisDigest = trust.pinnedDigest;
  const th = testKeys.nodes.find((k) => k.node === "TH")!;
  const node = await createNode({
    config,
    keys: { signing: th.privateJwk, encryption: th.encryptionJwk } as unknown as NodeKeys,
    db: new MemoryLevel({ valueEncoding: "json" }) as never,
    attachments: new MemoryAttachmentStore(),
    dataKeys: new MemoryKeySource(),
    clock,
    // Logs are dropped: a long run would otherwise hold every line; the oracles see every answer.
    logger: jsonLogger(() => undefined),
  });
  await node.applyTrustList(trust.trustList);
  for (const p of testKeys.participants.filter((p) => p.node === "TH")) {
    await registerParticipant(node.ctx, {
      id: p.id,
      name: p.id,
      roles: p.roles,
      orgType: p.orgType,
      immigrationFunctions: p.immigrationFunctions,
      publicJwk: publicJwkOf(p.privateJwk),
    });
  }
  return {
    node,
    clock,
    request: (path, init) => Promise.resolve(node.app.request(path, init)),
    close: () => node.close(),
  };
}

/** A valid agency token for a registered test participant, with a fresh jti. */
export async function tokenFor(n: FuzzNode, participant: string): Promise<string> {
  const signer = signerOf(participant);
  const now = Math.floor(n.clock.now().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: signer.kid })
    .setIssuer(participant)
    .setAudience("TH")
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .setJti(randomUUID())
    .sign(signer.privateKey);
}
