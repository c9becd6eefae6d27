import { requirements, type PublicJwk } from "@frx/spec";
import type { TestResult } from "../run/runner.js";
import { SUITE } from "../version.js";
import { UNCOVERED, type Uncovered } from "./uncovered.js";

export interface Coverage {
  /** How many MUST and MUST NOT requirements the spec has. */
  requirements: number;
  covered: number;
  /** Uncovered requirements the suite cannot observe black-box, each with its reason. */
  explained: number;
  uncovered: string[];
  /** Uncovered requirements a test could observe but none does yet (the suite's own gaps). */
  pending: string[];
  /**
   * Requirements no test of this run asserts that the other profile's tests do: a node run's
   * requirements on agency systems (the client profile's), a client run's on nodes.
   */
  elsewhere: string[];
  /**
   * Every MUST / MUST NOT requirement, with the tests of this run that assert it, or, when
   * none does, why (src/report/uncovered.ts; none when its tests were left out of the run).
   */
  byRequirement: Array<{
    id: string;
    level: string;
    text: string;
    tests: string[];
    uncovered?: Uncovered;
    /** The profile whose tests assert it, when none of this run does. */
    assertedBy?: string;
  }>;
}

/** The agency system a client-profile run certified, and how each scenario's run of it ended. */
export interface ClientUnderTest {
  /** The certifier's command, as given to --client. */
  command: string;
  /** The participant it acted as, at the stand-in node `node`. */
  participant: string;
  node: string;
  scenarios: Array<{
    name: string;
    summary: string;
    exitCode: number | null;
    signal: string | null;
    timedOut: boolean;
    durationMs: number;
    /** Output lines that were not events of the contract. */
    ignoredLines: number;
  }>;
}

/** The other profile's tests, for a run's coverage (which requirements they assert). */
export interface OtherProfile {
  profile: string;
  tests: ReadonlyArray<{ covers: readonly string[] }>;
}

export interface Report {
  suite: { name: string; version: string };
  profile: string;
  node: { url: string; id: string; software: { name: string; version: string } };
  startedAt: string;
  finishedAt: string;
  /** The public key whose detached signature report.json.jws is (kit.json names it too). */
  reportKey: PublicJwk;
  /** The agency system under test, in a client-profile run (profile "client"). */
  client?: ClientUnderTest;
  /** pass when every mandatory test passed. */
  outcome: "pass" | "fail";
  summary: { passed: number; failed: number; skipped: number };
  tests: Array<{
    id: string;
    title: string;
    area: string;
    mandatory: boolean;
    covers: string[];
    status: TestResult["status"];
    durationMs: number;
    message?: string;
    /** What is allowed but worth knowing (e.g. a status other than the recommended one). */
    notes?: string[];
  }>;
  coverage: Coverage;
}

/** Which MUST / MUST NOT requirements the tests of a run assert. */
export function coverageOf(
  results: ReadonlyArray<Pick<TestResult, "id" | "covers">>,
  other?: OtherProfile,
): Coverage {
  const musts = requirements.filter((r) => r.level === "MUST" || r.level === "MUST NOT");
  const byRequirement = musts.map((r) => {
    const tests = results.filter((t) => t.covers.includes(r.id)).map((t) => t.id);
    const why = tests.length === 0 ? UNCOVERED[r.id] : undefined;
    const elsewhere =
      tests.length === 0 && !why && other?.tests.some((t) => t.covers.includes(r.id))
        ? other.profile
        : undefined;
    return {
      id: r.id,
      level: r.level,
      text: r.text,
      tests,
      ...(why ? { uncovered: why } : {}),
      ...(elsewhere ? { assertedBy: elsewhere } : {}),
    };
  });
  const open = byRequirement.filter((r) => r.tests.length === 0);
  return {
    requirements: musts.length,
    covered: musts.length - open.length,
    explained: open.filter((r) => r.uncovered?.kind === "not-black-box").length,
    uncovered: open.map((r) => r.id),
    pending: open.filter((r) => r.uncovered?.kind === "pending").map((r) => r.id),
    elsewhere: open.filter((r) => r.assertedBy).map((r) => r.id),
    byRequirement,
  };
}

/** The report of a run. @example buildReport({ profile, node, startedAt, finishedAt, results }) */
export function buildReport(o: {
  profile: string;
  node: Report["node"];
  startedAt: Date;
  finishedAt: Date;
  reportKey: PublicJwk;
  results: readonly TestResult[];
  /** The other profile's tests, so that the coverage names what they assert. */
  other?: OtherProfile;
  client?: ClientUnderTest;
}): Report {
  const count = (s: TestResult["status"]) => o.results.filter((r) => r.status === s).length;
  return {
    suite: { name: SUITE.name, version: SUITE.version },
    profile: o.profile,
    node: o.node,
    startedAt: o.startedAt.toISOString(),
    finishedAt: o.finishedAt.toISOString(),
    reportKey: o.reportKey,
    ...(o.client ? { client: o.client } : {}),
    outcome: o.results.some((r) => r.mandatory && r.status !== "passed") ? "fail" : "pass",
    summary: { passed: count("passed"), failed: count("failed"), skipped: count("skipped") },
    tests: o.results.map((r) => ({ ...r })),
    coverage: coverageOf(o.results, o.other),
  };
}
