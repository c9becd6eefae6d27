#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { makeKit, readMemberFile } from "../kit/make.js";
import { verifyReportDir } from "../report/verify-dir.js";
import { commandHook } from "../run/operator.js";
import { KitNotInstalled } from "../run/preflight.js";
import { runSuite } from "../run/run.js";
import { runClientCommand } from "../client/cli.js";
import { SCENARIOS } from "../client/scenarios.js";
import { COMMAND_USAGE, USAGE } from "./usage.js";
import type { ProfileName } from "../suite/index.js";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

function wantsHelp(args: readonly string[]): boolean {
  return args.some((a) => a === "--help" || a === "-h");
}

class UsageError extends Error {}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

/** Runs one command line; resolves to the exit code and never exits the process. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const usage = (command && COMMAND_USAGE[command]) || USAGE;
  if (command && COMMAND_USAGE[command] && wantsHelp(rest)) {
    io.stdout(usage);
    return 0;
  }
  try {
    if (command === "kit") {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          out: { type: "string" },
          "node-id": { type: "string" },
          "node-member": { type: "string" },
          "peer-url": { type: "string" },
          force: { type: "boolean" },
        },
      });
      const member = values["node-member"];
      const manifest = await makeKit({
        out: need(values, "out"),
        nodeId: need(values, "node-id"),
        ...(member ? { nodeMember: await readMemberFile(member) } : {}),
        ...(values["peer-url"] ? { peerUrl: values["peer-url"] } : {}),
        force: values.force === true,
      });
      io.stdout(
        `wrote a kit for node ${manifest.nodeId} to ${values.out}; harness peer ${manifest.peer.node} at ${manifest.peer.url}\n`,
      );
      if (!manifest.nodeInTrustList)
        io.stdout(
          "note: without --node-member the genesis list does not name the node; outbound federation tests will trust its metadata key\n",
        );
      return 0;
    }
    if (command === "run") {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          node: { type: "string" },
          kit: { type: "string" },
          report: { type: "string" },
          profile: { type: "string" },
          only: { type: "string" },
          force: { type: "boolean" },
          operator: { type: "string" },
          client: { type: "string" },
          scenario: { type: "string" },
        },
      });
      if (values.client !== undefined) {
        if (
          values.node !== undefined ||
          values.profile !== undefined ||
          values.operator !== undefined
        )
          throw new UsageError(
            "--client plays the node itself: give no --node, --profile or --operator",
          );
        const names = SCENARIOS.map((x) => x.name);
        const unknown = values.scenario?.split(",").filter((x) => !names.includes(x)) ?? [];
        if (unknown.length > 0)
          throw new UsageError(
            `no scenario ${unknown.join(", ")}; the scenarios are ${names.join(", ")}`,
          );
        if (values.only !== undefined)
          throw new UsageError("--only goes with --node; the client profile takes --scenario");
        return await runClientCommand(values, need, io);
      }
      if (values.scenario !== undefined) throw new UsageError("--scenario goes with --client");
      const profile = (values.profile ?? "full") as ProfileName;
      if (!["core", "federation", "full"].includes(profile))
        throw new UsageError(`--profile must be core, federation or full`);
      const report = await runSuite({
        nodeUrl: need(values, "node"),
        kitDir: need(values, "kit"),
        reportDir: need(values, "report"),
        profile,
        force: values.force === true,
        ...(values.operator ? { operator: commandHook(values.operator) } : {}),
        onNote: (note) => io.stdout(`note: ${note}\n`),
        ...(values.only ? { only: values.only.split(",") } : {}),
        onStop: (reason) =>
          io.stderr(`frx-conformance run: ${reason}; a failing report was written\n`),
        onResult: (r) =>
          io.stdout(
            `${r.status === "passed" ? "ok  " : r.status === "failed" ? "FAIL" : "skip"} ${r.id} (${r.durationMs} ms)${r.message ? `\n     ${r.message}` : ""}\n`,
          ),
      });
      const s = report.summary;
      io.stdout(
        `${report.outcome.toUpperCase()}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped; MUSTs covered ${report.coverage.covered}/${report.coverage.requirements}; reports in ${values.report}\n`,
      );
      return report.outcome === "pass" ? 0 : 1;
    }
    if (command === "verify-report") {
      const { values, positionals } = parseArgs({
        args: [...rest],
        allowPositionals: true,
        options: { kit: { type: "string" } },
      });
      if (positionals.length !== 1) throw new UsageError("give exactly one report folder");
      const v = await verifyReportDir(positionals[0]!, values.kit ? { kit: values.kit } : {});
      if (!v.valid) {
        io.stderr(`frx-conformance verify-report: INVALID\n  - ${v.reasons.join("\n  - ")}\n`);
        return 1;
      }
      io.stdout(
        `report.json verifies: signed by report key ${v.kid}${v.keyFromKit ? ", the kit's" : "; pass --kit to check it is the kit's"}\n`,
      );
      return 0;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout(USAGE);
      return 0;
    }
    io.stderr(command ? `frx-conformance: unknown command ${command}\n\n${USAGE}` : USAGE);
    return 2;
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr(`frx-conformance ${command}: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof KitNotInstalled)
      io.stderr(
        `frx-conformance run: ${error.message}\nNo report was written; install the kit as docs/certification.md says, then run again.\n`,
      );
    else
      io.stderr(
        `frx-conformance ${command}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    return 1;
  }
}

function isEntry(): boolean {
  try {
    return (
      !!process.argv[1] &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isEntry()) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
  });
}
