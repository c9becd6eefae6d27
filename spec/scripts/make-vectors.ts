/**
 * Builds spec/vectors/ from spec/fixtures and the fixed test keys. Ed25519 is
 * deterministic, so the output is byte-for-byte reproducible: `--check` fails when a
 * committed vector differs from what the spec now produces.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  messageVectors,
  verificationVectors,
  type Envelope,
  type Vector,
} from "./vectors/envelope.js";
import { loadTestKeys } from "./vectors/keys.js";
import { deadlineVectors } from "./vectors/deadline.js";
import { policyVectors } from "./vectors/policy.js";
import { projectionVectors } from "./vectors/projection.js";
import { overrideVectors } from "./vectors/override.js";
import { receiptVectors } from "./vectors/receipt.js";
import { registryVectors } from "./vectors/registry.js";
import { registryAnswerVectors } from "./vectors/registry-answer.js";
import { stateVectors } from "./vectors/state.js";
import { trustVectors } from "./vectors/trust.js";

const spec = join(dirname(fileURLToPath(import.meta.url)), "..");
const keys = loadTestKeys(spec);
const fixtureDir = join(spec, "fixtures", "messages");
const fixtures = new Map<string, Envelope>(
  readdirSync(fixtureDir)
    .filter((f) => f.endsWith("-ok.json"))
    .sort()
    .map((f) => [
      f.slice(0, -"-ok.json".length),
      JSON.parse(readFileSync(join(fixtureDir, f), "utf8")) as Envelope,
    ]),
);
const fixture = (type: string): Envelope => {
  const f = fixtures.get(type);
  if (!f) throw new Error(`no fixture for ${type}`);
  return structuredClone(f);
};

const vectors: Record<string, Vector> = {
  ...messageVectors(keys, fixtures),
  ...verificationVectors(keys, fixture("case.notify")),
  ...policyVectors(keys, fixture),
  ...projectionVectors(keys, fixture),
  ...stateVectors(fixture),
  ...deadlineVectors(keys, fixture),
  ...registryVectors(fixture),
  ...registryAnswerVectors(keys, fixture),
  ...overrideVectors(keys, fixture),
  ...receiptVectors(keys, fixture("referral.create")),
  ...trustVectors(keys),
};

const check = process.argv.includes("--check");
const stale: string[] = [];
for (const [path, vector] of Object.entries(vectors)) {
  const full = join(spec, "vectors", path);
  const content = JSON.stringify(vector, null, 2) + "\n";
  const current = existsSync(full) ? readFileSync(full, "utf8") : null;
  if (current === content) continue;
  if (check) stale.push(path);
  else {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}
for (const kind of [
  "envelope",
  "policy",
  "state",
  "registry",
  "registry-answer",
  "override",
  "receipt",
  "trust",
  "transaction",
]) {
  const dir = join(spec, "vectors", kind);
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir)) {
    if (!(`${kind}/${file}` in vectors))
      stale.push(`${kind}/${file} (no longer produced; delete it)`);
  }
}
if (stale.length > 0) {
  console.error(`vectors are stale; run \`npm run generate\`:\n  ${stale.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `${check ? "vectors are up to date" : "wrote vectors"} (${Object.keys(vectors).length})`,
);
