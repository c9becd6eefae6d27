import * as fc from "fast-check";
import { outcomes } from "./oracles.js";
import { saveRegression } from "./regressions.js";
import { OracleFailure, type TargetFactory } from "./target.js";

export interface RunOptions {
  runs: number;
  seed?: number;
  /** Where failing inputs are saved; none when undefined. */
  saveTo?: string;
}

export interface TargetReport {
  target: string;
  runs: number;
  seed: number;
  failed: boolean;
  /** "oracle": a rule did not hold (a 5xx, an uncoded refusal, a wrong acceptance); "crash": the check itself threw. */
  kind?: "oracle" | "crash";
  error?: string;
  saved?: string;
  /** The most frequent answers the surface gave (accepted, codes, statuses), with counts. */
  outcomes: Record<string, number>;
}

function topOutcomes(): Record<string, number> {
  return Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1]).slice(0, 8));
}

/**
 * Runs one target for `runs` generated inputs with fast-check (no shrinking: a failing input is
 * kept as generated, and saved as a regression fixture when `saveTo` is given).
 */
export async function runTarget(
  name: string,
  factory: TargetFactory,
  options: RunOptions,
): Promise<TargetReport> {
  const target = await factory();
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x7fffffff);
  outcomes.clear();
  try {
    const details = await fc.check(
      fc.asyncProperty(target.arbitrary, (input) => target.check(input)),
      { numRuns: options.runs, seed, endOnFailure: true },
    );
    if (!details.failed)
      return { target: name, runs: details.numRuns, seed, failed: false, outcomes: topOutcomes() };
    const error = details.errorInstance;
    const report: TargetReport = {
      target: name,
      runs: details.numRuns,
      seed,
      failed: true,
      kind: error instanceof OracleFailure ? "oracle" : "crash",
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      outcomes: topOutcomes(),
    };
    if (options.saveTo !== undefined && details.counterexample) {
      report.saved = await saveRegression(
        {
          target: name,
          failure: report.error!.slice(0, 500),
          found: new Date().toISOString(),
          input: details.counterexample[0],
        },
        options.saveTo,
      );
    }
    return report;
  } finally {
    await target.close();
  }
}
