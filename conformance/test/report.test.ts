import { generateSigningKey } from "@frx/spec";
import { describe, expect, it } from "vitest";
import {
  buildReport,
  junitXml,
  reportHtml,
  signReport,
  verifyReport,
  xmlEscape,
  type TestResult,
} from "../src/index.js";

const nasty = `<script>alert("x")</script> & 'quotes' \u0001 done`;
const results: TestResult[] = [
  {
    id: "FRX-SIG-008",
    title: "A verifier MUST refuse …",
    area: "signing",
    mandatory: true,
    covers: ["FRX-SIG-008"],
    status: "passed",
    durationMs: 3,
    notes: ["answered 400 where envelope.md recommends 422"],
  },
  {
    id: "FRX-ENV-028",
    title: nasty,
    area: "envelope",
    mandatory: true,
    covers: ["FRX-ENV-028"],
    status: "failed",
    durationMs: 5,
    message: nasty,
  },
  {
    id: "FRX-ENV-020",
    title: "A node MAY …",
    area: "envelope",
    mandatory: false,
    covers: ["FRX-ENV-020"],
    status: "failed",
    durationMs: 1,
    message: "optional",
  },
];
const reportKey = generateSigningKey().publicJwk;
const report = buildReport({
  profile: "core",
  reportKey,
  node: { url: "http://127.0.0.1:1", id: "TH", software: { name: "x", version: "1" } },
  startedAt: new Date("2026-01-01T00:00:00Z"),
  finishedAt: new Date("2026-01-01T00:00:02Z"),
  results,
});

describe("reports", () => {
  it("fail when a mandatory test failed, and count every status", () => {
    expect(report.outcome).toBe("fail");
    expect(report.summary).toEqual({ passed: 1, failed: 2, skipped: 0 });
    expect(
      buildReport({
        ...report,
        startedAt: new Date(),
        finishedAt: new Date(),
        results: [results[0]!, results[2]!],
        node: report.node,
      }).outcome,
    ).toBe("pass");
  });

  it("name the key that signs them, and carry each test's notes under the name the guide uses", () => {
    expect(report.reportKey).toEqual(reportKey);
    expect(report.tests[0]!.notes).toEqual(["answered 400 where envelope.md recommends 422"]);
    expect(junitXml(report)).toContain("answered 400 where envelope.md recommends 422");
    expect(reportHtml(report)).toContain("note: answered 400");
  });

  it("list every MUST requirement, with the tests that cover it", () => {
    const sig = report.coverage.byRequirement.find((r) => r.id === "FRX-SIG-008");
    expect(sig?.tests).toEqual(["FRX-SIG-008"]);
    expect(report.coverage.uncovered).not.toContain("FRX-SIG-008");
    expect(report.coverage.uncovered).toContain("FRX-SIG-009");
    expect(report.coverage.byRequirement.every((r) => r.level.startsWith("MUST"))).toBe(true);
  });

  it("escape JUnit XML, dropping characters XML 1.0 forbids", () => {
    const xml = junitXml(report);
    expect(xml).not.toContain("<script>");
    expect(xml).not.toContain("\u0001");
    expect(xml).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos;",
    );
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xmlEscape("a\uD800b")).toBe("a\uFFFDb");
  });

  it("escape the HTML page and put failures first", () => {
    const html = reportHtml(report);
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;");
    expect(html.indexOf("FRX-ENV-028")).toBeLessThan(html.indexOf("FRX-SIG-008"));
  });

  it("sign report.json's bytes as a detached JWS (RFC 7515 Appendix F) that verifies only over those bytes", () => {
    const { privateJwk, publicJwk } = generateSigningKey();
    const bytes = Buffer.from(JSON.stringify(report));
    const jws = signReport(bytes, privateJwk);
    const [header, payload, signature] = jws.split(".");
    expect(payload).toBe("");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toMatchObject({
      alg: "Ed25519",
      typ: "frx-report+jws",
      kid: publicJwk.kid,
    });
    expect(signature).toHaveLength(86);
    expect(verifyReport(bytes, jws, publicJwk)).toBe(true);
    expect(
      verifyReport(Buffer.from(JSON.stringify({ ...report, outcome: "pass" })), jws, publicJwk),
    ).toBe(false);
    expect(verifyReport(bytes, jws, generateSigningKey().publicJwk)).toBe(false);
  });
});
