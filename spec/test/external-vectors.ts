import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { vectorDir } from "./vector-files.js";

/** `spec/vectors/external`: standards' own test data, copied in (sources in its README). */
export const externalVectors = join(vectorDir, "external");

export function rfc8785Cases(): Array<{ name: string; input: string; output: string }> {
  const dir = join(externalVectors, "rfc8785");
  return readdirSync(join(dir, "input"))
    .sort()
    .map((name) => ({
      name,
      input: readFileSync(join(dir, "input", name), "utf8"),
      output: readFileSync(join(dir, "output", name), "utf8"),
    }));
}

export function rfc8037(): {
  privateJwk: { kty: string; crv: string; d: string; x: string };
  publicJwk: { kty: string; crv: string; x: string };
  payload: string;
  jws: string;
} {
  return JSON.parse(readFileSync(join(externalVectors, "rfc8037-a4-ed25519.json"), "utf8"));
}
