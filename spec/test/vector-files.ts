import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FrxError } from "../src/errors.js";
import { importPublicKey } from "../src/jws/keys.js";
import type { KeyResolver } from "../src/jws/envelope.js";

export const vectorDir = join(dirname(fileURLToPath(import.meta.url)), "..", "vectors");

export interface Vector {
  id: string;
  description: string;
  expect: { valid: boolean; code?: string; pointer?: string; state?: string };
  [key: string]: unknown;
}

export function vectorsOf(kind: string): Vector[] {
  const dir = join(vectorDir, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Vector);
}

/**
 * A key resolver over a vector's JWK Set, whose keys carry `frx:owner` and maybe
 * `frx:retiredAt`, or `frx:revokedAt` (the key resolves to a `jws.key-revoked` refusal, as a
 * node's directory does for a compromised key, FRX-ADM-007).
 */
export function resolverOf(jwks: { keys: Array<Record<string, string>> }): KeyResolver {
  const revoked = new Set(jwks.keys.filter((k) => k["frx:revokedAt"]).map((k) => k.kid!));
  const byKid = new Map(
    jwks.keys.map((k) => [
      k.kid!,
      {
        key: importPublicKey({ kty: k.kty!, crv: k.crv!, x: k.x! }),
        owner: k["frx:owner"]!,
        ...(k["frx:retiredAt"] ? { retiredAt: k["frx:retiredAt"] } : {}),
      },
    ]),
  );
  return (kid) => {
    if (revoked.has(kid)) throw new FrxError("jws.key-revoked", `key ${kid} was revoked`);
    return byKid.get(kid);
  };
}
