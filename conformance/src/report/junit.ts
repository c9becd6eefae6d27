import { parseInstant } from "@frx/spec";
import type { Report } from "./model.js";

/** Escapes text for XML content and attributes, dropping characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** The report as JUnit XML: one testsuite per spec section, one testcase per test. */
export function junitXml(report: Report): string {
  const areas = [...new Set(report.tests.map((t) => t.area))];
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = parseInstant(report.finishedAt) - parseInstant(report.startedAt);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(`${report.suite.name} ${report.suite.version} (${report.profile}) against ${report.node.id}`)}" tests="${report.tests.length}" failures="${report.summary.failed}" skipped="${report.summary.skipped}" time="${seconds(total)}">`,
  ];
  for (const area of areas) {
    const tests = report.tests.filter((t) => t.area === area);
    const failures = tests.filter((t) => t.status === "failed").length;
    const skipped = tests.filter((t) => t.status === "skipped").length;
    const time = tests.reduce((s, t) => s + t.durationMs, 0);
    out.push(
      `  <testsuite name="${xmlEscape(area)}" tests="${tests.length}" failures="${failures}" skipped="${skipped}" time="${seconds(time)}">`,
    );
    for (const t of tests) {
      const open = `    <testcase classname="${xmlEscape(`frx.${area}`)}" name="${xmlEscape(`${t.id} ${t.title}`)}" time="${seconds(t.durationMs)}"`;
      const inner: string[] = [];
      if (t.status === "failed")
        inner.push(
          `      <failure message="${xmlEscape(t.message ?? "failed")}">${xmlEscape(t.message ?? "")}</failure>`,
        );
      if (t.status === "skipped")
        inner.push(`      <skipped message="${xmlEscape(t.message ?? "")}"/>`);
      if (t.notes?.length)
        inner.push(`      <system-out>${xmlEscape(t.notes.join("\n"))}</system-out>`);
      out.push(inner.length === 0 ? `${open}/>` : `${open}>\n${inner.join("\n")}\n    </testcase>`);
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
