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
   * Every MUST / MUST NOT requirement, with the tests of this run that assert it, or, when
   * none does, why (src/report/uncovered.ts; none when its tests were left out of the run).
   */
  byRequirement: Array<{
    id: string;
    level: string;
    text: string;
    tests: string[];
    uncovered?: Uncovered;
  }>;
}

export interface Report {
  suite: { name: string; version: string };
  profile: string;
  node: { url: string; id: string; software: { name: string; version: string } };
  startedAt: string;
  finishedAt: string;
  /** The public key whose detached signature report.json.jws is (kit.json names it too). */
  reportKey: PublicJwk;
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
export function coverageOf(results: readonly TestResult[]): Coverage {
  const musts = requirements.filter((r) => r.level === "MUST" || r.level === "MUST NOT");
  const byRequirement = musts.map((r) => {
    const tests = results.filter((t) => t.covers.includes(r.id)).map((t) => t.id);
    const why = tests.length === 0 ? UNCOVERED[r.id] : undefined;
    return { id: r.id, level: r.level, text: r.text, tests, ...(why ? { uncovered: why } : {}) };
  });
  const open = byRequirement.filter((r) => r.tests.length === 0);
  return {
    requirements: musts.length,
    covered: musts.length - open.length,
    explained: open.filter((r) => r.uncovered?.kind === "not-black-box").length,
    uncovered: open.map((r) => r.id),
    pending: open.filter((r) => r.uncovered?.kind === "pending").map((r) => r.id),
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
}): Report {
  const count = (s: TestResult["status"]) => o.results.filter((r) => r.status === s).length;
  return {
    suite: { name: SUITE.name, version: SUITE.version },
    profile: o.profile,
    node: o.node,
    startedAt: o.startedAt.toISOString(),
    finishedAt: o.finishedAt.toISOString(),
    reportKey: o.reportKey,
    outcome: o.results.some((r) => r.mandatory && r.status !== "passed") ? "fail" : "pass",
    summary: { passed: count("passed"), failed: count("failed"), skipped: count("skipped") },
    tests: o.results.map((r) => ({ ...r })),
    coverage: coverageOf(o.results),
  };
}
