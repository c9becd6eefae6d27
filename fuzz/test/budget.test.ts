import { describe, expect, it } from "vitest";
import { runTarget } from "../src/runner.js";
import { TARGETS } from "../src/targets/index.js";

// The npm test budget: a bounded number of generated inputs per target, seconds in all.
// `npm run fuzz -- --target NAME --runs N` runs any budget and keeps what fails.
const RUNS = Number(process.env.FRX_FUZZ_RUNS ?? 150);

describe(`every fuzz target holds its oracles for ${RUNS} generated inputs`, () => {
  for (const [name, factory] of Object.entries(TARGETS)) {
    it(
      name,
      async () => {
        const report = await runTarget(name, factory, { runs: RUNS });
        expect(report.error ?? "", `seed ${report.seed}`).toBe("");
        expect(report.runs).toBe(RUNS);
      },
      120_000,
    );
  }
});
