import { access } from "node:fs/promises";
import { join } from "node:path";
import { publicJwkOf } from "@frx/spec";
import { loadKit } from "../kit/load.js";
import type { OperatorHook } from "./operator.js";
import { preflight } from "./preflight.js";
import { openSession } from "./session.js";
import { runTests, type TestResult } from "./runner.js";
import { buildReport, type Report } from "../report/model.js";
import { writeReports } from "../report/write.js";
import { testsOf, type ProfileName } from "../suite/index.js";
import { CLIENT_CHECKS } from "../client/checks.js";

export interface RunOptions {
  nodeUrl: string;
  kitDir: string;
  profile?: ProfileName;
  /** Where to write the reports; none are written without it. */
  reportDir?: string;
  /** The operator steps some tests need (applying trust-list versions); they skip without it. */
  operator?: OperatorHook;
  /** Overwrite an existing report in reportDir (refused otherwise). */
  force?: boolean;
  /** Told what the check of the kit's installation could not see. */
  onNote?: (note: string) => void;
  /** Only tests whose id starts with one of these. */
  only?: string[];
  onResult?: (r: TestResult) => void;
  /** Told why, when the run stops before any test (the node could not be discovered). */
  onStop?: (reason: string) => void;
  /** Deadline of one request to the node, its whole answer included (default 15 000 ms). */
  requestTimeoutMs?: number;
  /** The most bytes read of one answer of the node (default 64 MiB). */
  maxAnswerBytes?: number;
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
  if (o.reportDir && !o.force) await refuseExisting(join(o.reportDir, "report.json"));
  const kit = await loadKit(o.kitDir);
  const reportKey = publicJwkOf(kit.secrets.report);
  let session: Awaited<ReturnType<typeof openSession>>;
  try {
    session = await openSession({
      nodeUrl: o.nodeUrl,
      kitDir: o.kitDir,
      kit,
      ...(o.requestTimeoutMs !== undefined ? { timeoutMs: o.requestTimeoutMs } : {}),
      ...(o.maxAnswerBytes !== undefined ? { maxBytes: o.maxAnswerBytes } : {}),
    });
  } catch (error) {
    // A node that cannot be discovered (no answer, a dripping or oversized one, a bad
    // signature) still gets a written, signed report that fails and says why.
    const report = buildReport({
      profile,
      node: {
        url: o.nodeUrl,
        id: kit.manifest.nodeId,
        software: { name: "unknown", version: "unknown" },
      },
      startedAt,
      finishedAt: new Date(),
      reportKey,
      results: [discoveryFailure(error, Date.now() - startedAt.getTime())],
    });
    o.onStop?.(error instanceof Error ? error.message : String(error));
    if (o.reportDir) await writeReports(o.reportDir, report, kit.secrets.report);
    return report;
  }
  try {
    const h = session.harness;
    if (o.operator) h.operator = o.operator;
    // A kit not installed at the node is the operator's mistake, not the node's failure.
    for (const note of await preflight(h)) o.onNote?.(note);
    const tests = testsOf(profile).filter((t) => !o.only || o.only.some((p) => t.id.startsWith(p)));
    const results = await runTests(h, tests, o.onResult);
    const report = buildReport({
      profile,
      node: { url: h.node.url, id: h.node.id, software: h.node.software },
      startedAt,
      finishedAt: new Date(),
      reportKey,
      results,
      other: { profile: "client", tests: CLIENT_CHECKS },
    });
    if (o.reportDir) await writeReports(o.reportDir, report, h.kit.secrets.report);
    return report;
  } finally {
    await session.close();
  }
}

/** Refuses to overwrite an earlier run's report: a certifier's evidence is never lost silently. */
export async function refuseExisting(file: string): Promise<void> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) throw new ReportExists(file);
}

export class ReportExists extends Error {
  override readonly name = "ReportExists";
  constructor(readonly file: string) {
    super(`${file} exists: choose another --report folder, or pass --force to overwrite it`);
  }
}

/** The one result of a run whose node could not be discovered. */
function discoveryFailure(error: unknown, durationMs: number): TestResult {
  return {
    id: "FRX-FED-001",
    title: "The node serves its signed metadata at /.well-known/frx-node, so that it can be tested",
    area: "discovery",
    mandatory: true,
    covers: ["FRX-FED-001"],
    status: "failed",
    durationMs,
    message: `the run stopped before any test: ${error instanceof Error ? error.message : String(error)}`,
  };
}
