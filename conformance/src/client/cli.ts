import type { Io } from "../cli/main.js";
import { runClientProfile } from "./run.js";

/** `frx-conformance run --client CMD --kit DIR --report DIR [--scenario …] [--force]`; resolves to the exit code. */
export async function runClientCommand(
  values: { client?: string; kit?: string; report?: string; scenario?: string; force?: boolean },
  need: (values: Record<string, unknown>, name: string) => string,
  io: Io,
): Promise<number> {
  const command = need(values, "client");
  const scenarios = values.scenario?.split(",");
  const report = await runClientProfile({
    command,
    kitDir: need(values, "kit"),
    reportDir: need(values, "report"),
    force: values.force === true,
    ...(scenarios ? { scenarios } : {}),
    onScenario: (run) =>
      io.stdout(
        `scenario ${run.scenario.name}: the client ${run.exit.timedOut ? "was stopped after the time limit" : `exited with ${run.exit.code ?? run.exit.signal}`}, reported ${run.events.length} event(s), made ${run.ledger.submissions.length} submission(s) (${run.durationMs} ms)\n`,
      ),
    onResult: (r) =>
      io.stdout(
        `${r.status === "passed" ? "ok  " : r.status === "failed" ? "FAIL" : "skip"} ${r.id}${r.message ? `\n     ${r.message.replace(/\n/g, "\n     ")}` : ""}\n`,
      ),
  });
  const s = report.summary;
  io.stdout(
    `${report.outcome.toUpperCase()}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (client profile); reports in ${values.report}\n`,
  );
  return report.outcome === "pass" ? 0 : 1;
}
