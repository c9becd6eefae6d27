import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSigner, publicJwkOf, type PrivateJwk, type Signer } from "../../src/jws/keys.js";

export interface TestParticipant {
  id: string;
  node: string;
  name: string;
  roles: string[];
  orgType: string;
  immigrationFunctions: boolean;
  privateJwk: PrivateJwk;
}

export interface TestKeys {
  participants: TestParticipant[];
  nodes: Array<{ node: string; privateJwk: PrivateJwk }>;
  outsider: { privateJwk: PrivateJwk };
}

export function loadTestKeys(specDir: string): TestKeys {
  return JSON.parse(readFileSync(join(specDir, "vectors", "test-keys.json"), "utf8")) as TestKeys;
}

/** A JWK Set as vectors carry it: each key names its owner (participant or node) and maybe a retirement. */
export function jwksOf(
  keys: TestKeys,
  retired: Record<string, string> = {},
  /** Keys revoked as compromised (FRX-ADM-007): nothing they signed verifies any more. */
  revoked: Record<string, string> = {},
): { keys: Array<Record<string, string>> } {
  const entries = [
    ...keys.participants.map((p) => ({ owner: p.id, jwk: p.privateJwk })),
    ...keys.nodes.map((n) => ({ owner: n.node, jwk: n.privateJwk })),
  ];
  return {
    keys: entries.map(({ owner, jwk }) => {
      const pub = publicJwkOf(jwk) as unknown as Record<string, string>;
      return {
        ...pub,
        "frx:owner": owner,
        ...(retired[owner] ? { "frx:retiredAt": retired[owner]! } : {}),
        ...(revoked[owner] ? { "frx:revokedAt": revoked[owner]! } : {}),
      };
    }),
  };
}

export function signerFor(keys: TestKeys, owner: string): Signer {
  const node = owner.endsWith(":NODE") ? owner.slice(0, 2) : owner;
  const p =
    keys.participants.find((x) => x.id === owner) ?? keys.nodes.find((n) => n.node === node);
  if (!p) throw new Error(`no test key for ${owner}`);
  return createSigner(p.privateJwk);
}

/** The policy's view of a test participant. */
export function policyParticipant(
  keys: TestKeys,
  id: string,
): { id: string; node: string; roles: string[]; orgType: string; immigrationFunctions: boolean } {
  const p = keys.participants.find((x) => x.id === id);
  if (!p) throw new Error(`no test participant ${id}`);
  return {
    id: p.id,
    node: p.node,
    roles: p.roles,
    orgType: p.orgType,
    immigrationFunctions: p.immigrationFunctions,
  };
}
