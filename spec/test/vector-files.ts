import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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

/** A key resolver over a vector's JWK Set, whose keys carry `frx:owner` and maybe `frx:retiredAt`. */
export function resolverOf(jwks: { keys: Array<Record<string, string>> }): KeyResolver {
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
  return (kid) => byKid.get(kid);
}
