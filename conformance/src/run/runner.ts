import { SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import type { ConformanceTest } from "../suite/define.js";

export type Status = "passed" | "failed" | "skipped";

export interface TestResult {
  id: string;
  title: string;
  area: string;
  mandatory: boolean;
  covers: string[];
  status: Status;
  durationMs: number;
  message?: string;
  /** What is allowed but worth knowing (the harness's warnings for this test). */
  notes?: string[];
}

/** Longest a test may take before it is failed, unless it sets its own bound (tests bound their own waits well below). */
const TEST_TIMEOUT_MS = 60_000;

function timeout(ms: number): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the test did not finish within ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/**
 * Runs tests one after another (they share the node and the peer's script), after letting
 * each start its background scenario. A thrown error fails the test with its message; a
 * SkipTest skips it (a skipped mandatory test still makes the run's outcome "fail").
 */
export async function runTests(
  h: Harness,
  tests: readonly ConformanceTest[],
  onResult: (r: TestResult) => void = () => undefined,
): Promise<TestResult[]> {
  for (const t of tests) t.prepare?.(h);
  const results: TestResult[] = [];
  for (const t of tests) {
    h.warnings = [];
    const started = performance.now();
    const limit = timeout(t.timeoutMs ?? TEST_TIMEOUT_MS);
    let status: Status = "passed";
    let message: string | undefined;
    try {
      await Promise.race([t.run(h), limit.promise]);
    } catch (error) {
      status = error instanceof SkipTest ? "skipped" : "failed";
      message = error instanceof Error ? error.message : String(error);
    } finally {
      limit.clear();
    }
    const result: TestResult = {
      id: t.id,
      title: t.title,
      area: t.area,
      mandatory: t.mandatory,
      covers: t.covers,
      status,
      durationMs: Math.round(performance.now() - started),
      ...(message !== undefined ? { message } : {}),
      ...(h.warnings.length > 0 ? { notes: [...h.warnings] } : {}),
    };
    results.push(result);
    onResult(result);
  }
  return results;
}
