import { openSession } from "./session.js";
import { runTests, type TestResult } from "./runner.js";
import { buildReport, type Report } from "../report/model.js";
import { writeReports } from "../report/write.js";
import { testsOf, type ProfileName } from "../suite/index.js";

export interface RunOptions {
  nodeUrl: string;
  kitDir: string;
  profile?: ProfileName;
  /** Where to write the reports; none are written without it. */
  reportDir?: string;
  /** Only tests whose id starts with one of these. */
  only?: string[];
  onResult?: (r: TestResult) => void;
}

/**
 * A certification run: discovers the node, runs the profile's tests with the harness
 * agencies and peer node, and writes the signed reports. The outcome is "pass" only when
 * every mandatory test passed.
 *
 * @example const report = await runSuite({ nodeUrl: "http://127.0.0.1:7400", kitDir: "kit", reportDir: "out" })
 */
export async function runSuite(o: RunOptions): Promise<Report> {
  const profile = o.profile ?? "full";
  const startedAt = new Date();
  const session = await openSession({ nodeUrl: o.nodeUrl, kitDir: o.kitDir });
  try {
    const h = session.harness;
    const tests = testsOf(profile).filter((t) => !o.only || o.only.some((p) => t.id.startsWith(p)));
    const results = await runTests(h, tests, o.onResult);
    const report = buildReport({
      profile,
      node: { url: h.node.url, id: h.node.id, software: h.node.software },
      startedAt,
      finishedAt: new Date(),
      results,
    });
    if (o.reportDir) await writeReports(o.reportDir, report, h.kit.secrets.report);
    return report;
  } finally {
    await session.close();
  }
}
