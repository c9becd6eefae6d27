import { describe, expect, it } from "vitest";
import { runTarget } from "../src/runner.js";
import { TARGETS } from "../src/targets/index.js";

// The npm test budget: a bounded number of generated inputs per target, seconds in all.
// `npm run fuzz -- --target NAME --runs N` runs any budget and keeps what fails.
const RUNS = Number(process.env.FRX_FUZZ_RUNS ?? 150);

// Targets whose oracles on the accepted path matter most: a run that never reaches acceptance
// (a generator that only makes garbage) would hold them vacuously.
const REACHES_ACCEPTANCE = [
  "envelope",
  "schemas",
  "policy",
  "machines",
  "agency-token",
  "trust-list",
  "transaction",
  "submit",
];

describe(`every fuzz target holds its oracles for ${RUNS} generated inputs`, () => {
  for (const [name, factory] of Object.entries(TARGETS)) {
    it(
      name,
      async () => {
        const report = await runTarget(name, factory, { runs: RUNS });
        expect(report.error ?? "", `seed ${report.seed}`).toBe("");
        expect(report.runs).toBe(RUNS);
        if (REACHES_ACCEPTANCE.includes(name)) {
          const o = report.outcomes;
          expect((o.accepted ?? 0) + (o["http 200"] ?? 0) + (o["http 201"] ?? 0)).toBeGreaterThan(
            0,
          );
        }
        if (name === "attachments") expect(report.outcomes["http 201"] ?? 0).toBeGreaterThan(0);
      },
      120_000,
    );
  }
});
