import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSigner, importPublicKey, publicJwkOf, thumbprint } from "@frx/spec";
import type { KeyResolver, PrivateJwk, Signer } from "@frx/spec";

/** The repository's spec folder (fuzz/src and fuzz/dist both sit two levels below the root). */
export const specDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "spec");

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Envelope = { [key: string]: Json } & { type: string; from: string; sentAt: string };

/** Every valid message fixture (one per message type): the seeds that mutations start from. */
export function messageSeeds(): Envelope[] {
  const dir = join(specDir, "fixtures", "messages");
  return readdirSync(dir)
    .filter((f) => f.endsWith("-ok.json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Envelope);
}

/** The fixtures' clock: every fixture's sentAt lies between 09:00 and 09:40 on 2 March 2026. */
export const FIXTURE_NOW = new Date("2026-03-02T09:45:00Z");

export function vector<T>(path: string): T {
  return JSON.parse(readFileSync(join(specDir, "vectors", path), "utf8")) as T;
}

interface TestKeys {
  participants: Array<{
    id: string;
    node: string;
    roles: string[];
    orgType: string;
    immigrationFunctions: boolean;
    privateJwk: PrivateJwk;
  }>;
  nodes: Array<{ node: string; privateJwk: PrivateJwk; encryptionJwk: Record<string, string> }>;
  outsider: { privateJwk: PrivateJwk };
}

export const testKeys: TestKeys = vector<TestKeys>("test-keys.json");

const signers = new Map<string, Signer>();

/** The test signer of a participant or node in spec/vectors/test-keys.json. */
export function signerOf(id: string): Signer {
  let s = signers.get(id);
  if (!s) {
    // A node signs its own notices (from "TH:NODE") with its node key.
    const node = id.endsWith(":NODE") ? id.slice(0, 2) : id;
    const jwk =
      testKeys.participants.find((p) => p.id === id)?.privateJwk ??
      testKeys.nodes.find((n) => n.node === node)?.privateJwk ??
      testKeys.outsider.privateJwk;
    s = createSigner(jwk);
    signers.set(id, s);
  }
  return s;
}

/** The directory of test participants and node keys, as a verifier resolves it. */
export const resolveTestKey: KeyResolver = (() => {
  const owned = [
    ...testKeys.participants.map((p) => [p.id, p.privateJwk] as const),
    ...testKeys.nodes.map((n) => [n.node, n.privateJwk] as const),
  ];
  const byKid = new Map(
    owned.map(([owner, jwk]) => {
      const pub = publicJwkOf(jwk);
      return [thumbprint(pub), { key: importPublicKey(pub), owner }] as const;
    }),
  );
  return (kid: string) => byKid.get(kid);
})();
