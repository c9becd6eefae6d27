import { runSuite, type Report } from "../../src/index.js";
import { failedIds, KNOWN_REFERENCE_DEVIATIONS } from "./expectations.js";
import { startReference, type ReferenceOptions } from "./reference.js";

/** The full profile against a reference node made faulty by `options`. */
export async function runAgainstFaulty(options: ReferenceOptions = {}): Promise<Report> {
  const ref = await startReference(options);
  try {
    const report = await runSuite({
      nodeUrl: ref.url,
      kitDir: ref.kitDir,
      profile: "full",
      operator: ref.operator,
    });
    // Each failure with the check's own words: when a self-test's list of failures is not the
    // expected one (a flake under load, say), the log says what failed, not only which test.
    for (const t of report.tests)
      if (t.status === "failed") console.error(`${t.id} failed: ${t.message ?? "(no message)"}`);
    return report;
  } finally {
    await ref.close();
  }
}

/** The failures a fault adds to the reference node's known deviations. */
export function newFailures(report: Report): string[] {
  return failedIds(report).filter((id) => !(id in KNOWN_REFERENCE_DEVIATIONS));
}

/** Areas (spec sections) with at least one new failure. */
export function failingAreas(report: Report): string[] {
  const ids = new Set(newFailures(report));
  return [...new Set(report.tests.filter((t) => ids.has(t.id)).map((t) => t.area))].sort();
}
