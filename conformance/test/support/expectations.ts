/**
 * Tests the reference node fails today, each a deviation of node/ from the spec reported
 * with this suite (see conformance/README.md, "Known deviations of the reference node").
 * The self-tests assert this list exactly, so fixing the node means shortening it.
 */
export const KNOWN_REFERENCE_DEVIATIONS: Record<string, string> = {
  "FRX-REF-009":
    "the node applies its agency's transition of a referral another node is authoritative for as soon as it stores it, before that node's receipt",
};

/** The ids of the tests a report failed. */
export function failedIds(report: { tests: Array<{ id: string; status: string }> }): string[] {
  return report.tests
    .filter((t) => t.status === "failed")
    .map((t) => t.id)
    .sort();
}
