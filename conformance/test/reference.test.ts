import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  federationRestartTests,
  loadKit,
  restartTests,
  runSuite,
  testsOf,
  verifyReport,
  type Report,
} from "../src/index.js";
import { failedIds, KNOWN_REFERENCE_DEVIATIONS } from "./support/expectations.js";
import { startReference, type Reference } from "./support/reference.js";
import { publicJwkOf } from "@frx/spec";

let ref: Reference;
let report: Report;

beforeAll(async () => {
  ref = await startReference();
  report = await runSuite({
    nodeUrl: ref.url,
    kitDir: ref.kitDir,
    profile: "full",
    reportDir: ref.reportDir,
    operator: ref.operator,
  });
}, 420_000);
afterAll(async () => ref?.close());

describe("the full profile against the reference node", () => {
  it("passes every test except the reference node's known deviations from the spec", () => {
    const failures = report.tests
      .filter((t) => t.status === "failed")
      .map((t) => `${t.id}: ${t.message}`);
    expect(failedIds(report), failures.join("\n")).toEqual(
      Object.keys(KNOWN_REFERENCE_DEVIATIONS).sort(),
    );
    expect(report.tests).toHaveLength(testsOf("full").length);
  });

  it("skips only the tests that restart or crash the node (reference-process.test.ts runs them)", () => {
    // The node runs in this process, which the operator's restart and crash steps cannot kill.
    const skipped = report.tests.filter((t) => t.status === "skipped").map((t) => t.id);
    expect(skipped.sort()).toEqual(
      [...restartTests, ...federationRestartTests].map((t) => t.id).sort(),
    );
    expect(report.summary.passed + report.summary.failed + report.summary.skipped).toBe(
      report.tests.length,
    );
  });

  it("names the node and lists every MUST requirement with its tests, uncovered ones by id", () => {
    expect(report.node).toMatchObject({ id: "TH", url: ref.url, software: { name: "frx-node" } });
    const c = report.coverage;
    expect(c.byRequirement).toHaveLength(c.requirements);
    expect(c.covered + c.uncovered.length).toBe(c.requirements);
    expect(c.covered).toBeGreaterThan(100);
    expect(c.byRequirement.find((r) => r.id === "FRX-POL-008")?.tests).toContain("FRX-POL-008");
  });

  it("writes report.json signed by the kit's report key (detached JWS), junit.xml and report.html", async () => {
    const bytes = await readFile(join(ref.reportDir, "report.json"));
    const jws = (await readFile(join(ref.reportDir, "report.json.jws"), "utf8")).trim();
    const kit = await loadKit(ref.kitDir);
    expect(jws.split(".")[1]).toBe("");
    expect(verifyReport(bytes, jws, publicJwkOf(kit.secrets.report))).toBe(true);
    expect(
      verifyReport(Buffer.concat([bytes, Buffer.from(" ")]), jws, publicJwkOf(kit.secrets.report)),
    ).toBe(false);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual(report);
    const junit = await readFile(join(ref.reportDir, "junit.xml"), "utf8");
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(junit.match(/<testcase /g) ?? []).toHaveLength(report.tests.length);
    expect(junit.match(/<failure /g) ?? []).toHaveLength(report.summary.failed);
    const html = await readFile(join(ref.reportDir, "report.html"), "utf8");
    expect(html).toContain("FRX-ENV-028");
    expect(html).toContain(`${report.summary.passed} passed`);
  });
});
