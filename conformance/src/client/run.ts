import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publicJwkOf } from "@frx/spec";
import { loadKit } from "../kit/load.js";
import { buildReport, type ClientUnderTest, type Report } from "../report/model.js";
import { writeReports } from "../report/write.js";
import { refuseExisting } from "../run/run.js";
import type { TestResult } from "../run/runner.js";
import { ALL_TESTS } from "../suite/index.js";
import { SUITE } from "../version.js";
import { CLIENT_CHECKS, type ClientCheck } from "./checks.js";
import { CLIENT_ENV, parseEvents } from "./contract.js";
import { Ledger } from "./ledger.js";
import { SCENARIOS, type ScenarioRun } from "./scenarios.js";
import { runCommand } from "./spawn.js";
import { standInApp } from "./standin-app.js";
import { StandInServer } from "./standin.js";
import { evidenceBytes, type TaskFile } from "./tasks.js";
import { makeWorld } from "./world.js";

export interface ClientRunOptions {
  /** The certifier's command that runs the agency system under test (through sh -c). */
  command: string;
  /** A kit from frx-conformance kit: its report key signs the report; its harness agencies send. */
  kitDir: string;
  reportDir?: string;
  force?: boolean;
  /** Only these scenarios (by name). */
  scenarios?: string[];
  /** The longest one scenario's client may run (default 60 000 ms). */
  scenarioTimeoutMs?: number;
  onResult?: (r: TestResult) => void;
  /** Told when a scenario's run of the client ends. */
  onScenario?: (run: ScenarioRun) => void;
}

/**
 * The client profile: stands up a national node on loopback (and the foreign node XA behind
 * it), runs the certifier's command once per scenario with the node's URL and the client's
 * credentials in its environment, and judges what the node saw and what the client reported.
 * The outcome is "pass" only when every mandatory check passed.
 *
 * @example const report = await runClientProfile({ command: "node client.js", kitDir: "kit", reportDir: "out" })
 */
export async function runClientProfile(o: ClientRunOptions): Promise<Report> {
  const startedAt = new Date();
  if (o.reportDir && !o.force) await refuseExisting(join(o.reportDir, "report.json"));
  const kit = await loadKit(o.kitDir);
  const server = new StandInServer();
  const url = await server.start();
  const work = await mkdtemp(join(tmpdir(), "frx-client-profile-"));
  const runs: ScenarioRun[] = [];
  try {
    const world = makeWorld(kit, url);
    const keyFile = join(work, "client.private.jwk");
    await writeFile(keyFile, JSON.stringify(world.clientKey), { mode: 0o600 });
    const jtis = new Set<string>();
    for (const scenario of SCENARIOS.filter((s) => !o.scenarios || o.scenarios.includes(s.name))) {
      const ledger = new Ledger();
      const items = scenario.items(world);
      server.use(
        standInApp({
          world,
          ledger,
          items,
          jtis,
          ...(scenario.fault ? { fault: scenario.fault } : {}),
        }),
      );
      const stateDir = join(work, scenario.name);
      await mkdir(stateDir);
      // The task file and its evidence live beside the client's folder, not in it.
      const taskDir = join(work, `${scenario.name}.tasks`);
      await mkdir(taskDir);
      const evidenceFile = join(taskDir, "payslip.pdf");
      await writeFile(evidenceFile, evidenceBytes());
      const tasks = scenario.tasks?.(world, items, evidenceFile) ?? [];
      const taskFile = join(taskDir, "tasks.json");
      await writeFile(taskFile, JSON.stringify({ tasks } satisfies TaskFile, null, 2));
      const result = await runCommand(
        o.command,
        {
          [CLIENT_ENV.nodeUrl]: url,
          [CLIENT_ENV.node]: world.node,
          [CLIENT_ENV.participant]: world.participant,
          [CLIENT_ENV.keyFile]: keyFile,
          [CLIENT_ENV.stateDir]: stateDir,
          [CLIENT_ENV.scenario]: scenario.name,
          [CLIENT_ENV.taskFile]: taskFile,
        },
        o.scenarioTimeoutMs ?? 60_000,
      );
      const { events, ignored } = parseEvents(result.stdout);
      const run: ScenarioRun = {
        scenario,
        participant: world.participant,
        items,
        tasks,
        ledger,
        events,
        ignored,
        exit: { code: result.code, signal: result.signal, timedOut: result.timedOut },
        stderr: result.stderr,
        durationMs: result.durationMs,
      };
      runs.push(run);
      o.onScenario?.(run);
    }
    const results = CLIENT_CHECKS.map((c) => judged(c, runs));
    for (const r of results) o.onResult?.(r);
    const client: ClientUnderTest = {
      command: o.command,
      participant: world.participant,
      node: world.node,
      scenarios: runs.map((r) => ({
        name: r.scenario.name,
        summary: r.scenario.summary,
        exitCode: r.exit.code,
        signal: r.exit.signal,
        timedOut: r.exit.timedOut,
        durationMs: r.durationMs,
        ignoredLines: r.ignored.length,
      })),
    };
    const report = buildReport({
      profile: "client",
      node: { url, id: world.node, software: { name: SUITE.name, version: SUITE.version } },
      startedAt,
      finishedAt: new Date(),
      reportKey: publicJwkOf(kit.secrets.report),
      results,
      other: { profile: "node", tests: ALL_TESTS },
      client,
    });
    if (o.reportDir) await writeReports(o.reportDir, report, kit.secrets.report);
    return report;
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** One check's result over the runs of its scenarios; skipped when none of them ran. */
function judged(c: ClientCheck, all: readonly ScenarioRun[]): TestResult {
  const runs = all.filter((r) => c.scenarios.length === 0 || c.scenarios.includes(r.scenario.name));
  const base = { id: c.id, title: c.title, area: c.area, mandatory: c.mandatory, covers: c.covers };
  const durationMs = runs.reduce((sum, r) => sum + r.durationMs, 0);
  if (runs.length === 0)
    return {
      ...base,
      status: "skipped",
      durationMs,
      message: `its scenarios (${c.scenarios.join(", ")}) were not run`,
    };
  const failures = c.judge(runs);
  const notes = c.scenarios.length > 0 ? runs.flatMap((r) => scenarioNotes(r)) : [];
  return {
    ...base,
    status: failures.length === 0 ? "passed" : "failed",
    durationMs,
    ...(failures.length > 0 ? { message: failures.join("\n") } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** What is worth knowing about how a scenario's client ended (judged by no check). */
function scenarioNotes(r: ScenarioRun): string[] {
  const notes: string[] = [];
  const name = `scenario ${r.scenario.name}`;
  if (r.exit.timedOut) notes.push(`${name}: the client did not end in time and was stopped`);
  else if (r.exit.code !== 0)
    notes.push(
      `${name}: the client exited with ${r.exit.code ?? r.exit.signal}${r.stderr ? `; stderr ends: ${r.stderr.trim().split("\n").slice(-2).join(" | ")}` : ""}`,
    );
  if (r.ignored.length > 0)
    notes.push(`${name}: ${r.ignored.length} output line(s) were not events of the contract`);
  return notes;
}
