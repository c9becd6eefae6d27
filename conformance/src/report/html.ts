import type { Report } from "./model.js";

const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.pass{color:#176d2c;font-weight:600}.fail{color:#b00020;font-weight:600}.skip{color:#7a5c00}
.msg{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:13px;background:#fbeaea;padding:.5rem}
.warn{font-size:13px;color:#7a5c00}code{font-size:13px}.id{white-space:nowrap;font-family:ui-monospace,monospace}`;

function row(t: Report["tests"][number]): string {
  const cls = t.status === "passed" ? "pass" : t.status === "failed" ? "fail" : "skip";
  const notes = [
    t.message ? `<div class="msg">${esc(t.message)}</div>` : "",
    ...(t.notes ?? []).map((w) => `<div class="warn">note: ${esc(w)}</div>`),
  ].join("");
  return `<tr><td class="id">${esc(t.id)}</td><td class="${cls}">${t.status}${t.mandatory ? "" : " (optional)"}</td><td>${esc(t.title)}${notes}</td><td>${t.durationMs} ms</td></tr>`;
}

/** The client profile's account of the agency system under test: how each scenario's run ended. */
function clientSection(report: Report): string {
  const c = report.client;
  if (!c) return "";
  const rows = c.scenarios
    .map(
      (s) =>
        `<tr><td class="id">${esc(s.name)}</td><td>${esc(s.summary)}</td><td>${s.timedOut ? "stopped at the time limit" : `exit ${esc(String(s.exitCode ?? s.signal))}`}${s.ignoredLines > 0 ? `; ${s.ignoredLines} line(s) outside the contract` : ""}</td><td>${s.durationMs} ms</td></tr>`,
    )
    .join("\n");
  return `<h2>Agency system under test</h2>
<p>Client profile: the suite played node ${esc(c.node)} at <code>${esc(report.node.url)}</code> and the foreign node XA; the client acted as <b>${esc(c.participant)}</b>, run as <code>${esc(c.command)}</code> once per scenario.</p>
<table><tr><th>scenario</th><th>what the node did</th><th>how the client ended</th><th>time</th></tr>${rows}</table>`;
}

/** Why a MUST no test of this run asserts is not asserted. */
function why(r: Report["coverage"]["byRequirement"][number]): string {
  if (r.assertedBy) return `asserted by the ${r.assertedBy} profile`;
  if (r.uncovered) return `${r.uncovered.kind}: ${r.uncovered.reason}`;
  return "its tests were not part of this run";
}

/** One self-contained page for a person: outcome, failures first with their messages, every test, coverage. */
export function reportHtml(report: Report): string {
  const failed = report.tests.filter((t) => t.status === "failed");
  const others = report.tests.filter((t) => t.status !== "failed");
  const c = report.coverage;
  const head = `<tr><th>test</th><th>result</th><th>requirement</th><th>time</th></tr>`;
  const uncovered = c.byRequirement.filter((r) => r.tests.length === 0);
  const subject = report.client
    ? `agency system ${report.client.participant}`
    : `node ${report.node.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FRX conformance: ${esc(subject)} — ${report.outcome}</title><style>${STYLE}</style></head>
<body>
<h1>FRX conformance report: ${esc(subject)} — <span class="${report.outcome === "pass" ? "pass" : "fail"}">${report.outcome.toUpperCase()}</span></h1>
<p>${esc(report.suite.name)} ${esc(report.suite.version)}, profile <b>${esc(report.profile)}</b>, against <code>${esc(report.node.url)}</code>
(${esc(report.node.software.name)} ${esc(report.node.software.version)}), ${esc(report.startedAt)} to ${esc(report.finishedAt)}.</p>
<p><span class="pass">${report.summary.passed} passed</span>, <span class="fail">${report.summary.failed} failed</span>, <span class="skip">${report.summary.skipped} skipped</span>.
The outcome is PASS only when every mandatory test passed. MUST requirements covered: ${c.covered} of ${c.requirements}.</p>
${clientSection(report)}
${failed.length > 0 ? `<h2>Failed tests</h2><table>${head}${failed.map(row).join("\n")}</table>` : "<h2>No failed tests</h2>"}
<h2>All other tests</h2><table>${head}${others.map(row).join("\n")}</table>
<h2>Coverage of MUST and MUST NOT requirements</h2>
<table><tr><th>requirement</th><th>tests</th><th>text</th></tr>
${c.byRequirement
  .filter((r) => r.tests.length > 0)
  .map(
    (r) =>
      `<tr><td class="id">${esc(r.id)}</td><td>${r.tests.map(esc).join("<br>")}</td><td>${esc(r.text)}</td></tr>`,
  )
  .join("\n")}
</table>
<h2>Not covered by this run (${uncovered.length})</h2>
<table><tr><th>requirement</th><th>text</th><th>why</th></tr>
${uncovered.map((r) => `<tr><td class="id">${esc(r.id)}</td><td>${esc(r.text)}</td><td>${esc(why(r))}</td></tr>`).join("\n")}
</table>
<p>The signature over report.json is report.json.jws (detached JWS, typ frx-report+jws).</p>
</body></html>
`;
}
