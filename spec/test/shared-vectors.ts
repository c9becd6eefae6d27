import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared/vectors` beside the project root: standards' own test data, read-only. */
export const sharedVectors = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "shared",
  "vectors",
);

export function rfc8785Cases(): Array<{ name: string; input: string; output: string }> {
  const dir = join(sharedVectors, "rfc8785");
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
  return JSON.parse(readFileSync(join(sharedVectors, "rfc8037-a4-ed25519.json"), "utf8"));
}
