#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { makeKit, readMemberFile } from "../kit/make.js";
import { runSuite } from "../run/run.js";
import type { ProfileName } from "../suite/index.js";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const KIT_USAGE = `Usage: frx-conformance kit --out DIR --node-id CC [--node-member FILE] [--peer-url URL]

Writes a certification kit: harness agency keys and their registration file (agencies.json,
register-reference-node.sh), the harness peer node's keys and trust-list entries, a genesis
trust list signed by the harness (with the node under test when --node-member gives its entry
from frx-node trust member), and config-overrides.json.

  --out DIR            the folder to write the kit to
  --node-id CC         the country code of the node under test, e.g. TH
  --node-member FILE   the node's trust-list entry (frx-node trust member --dir … > FILE)
  --peer-url URL       where the harness peer listens during runs
                       (default http://127.0.0.1:7499; loopback)
`;

const RUN_USAGE = `Usage: frx-conformance run --node URL --kit DIR --report DIR
                           [--profile core|federation|full] [--only ID,…]

Runs the suite against the node at URL and writes report.json, report.json.jws, junit.xml and
report.html to DIR. Exit 0 only when every mandatory test passed.

  --node URL       the node under test's base URL
  --kit DIR        a kit written by frx-conformance kit and installed at the node
  --report DIR     the folder to write the reports to
  --profile P      core (agency API only), federation, or full (default)
  --only ID,…      run only these tests (by test id)
`;

const USAGE = `Usage: frx-conformance COMMAND [flags]

Runs the FRX conformance suite against a national node. Commands:

  kit   write a certification kit (keys, trust list, registration file) for a node
  run   run the suite against a node and write signed reports

Run frx-conformance COMMAND --help for a command's flags.
Exit codes: 0 pass, 1 a mandatory test failed (or the run could not start), 2 bad usage.
`;

const COMMAND_USAGE: Record<string, string> = { kit: KIT_USAGE, run: RUN_USAGE };

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
        },
      });
      const member = values["node-member"];
      const manifest = await makeKit({
        out: need(values, "out"),
        nodeId: need(values, "node-id"),
        ...(member ? { nodeMember: await readMemberFile(member) } : {}),
        ...(values["peer-url"] ? { peerUrl: values["peer-url"] } : {}),
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
        },
      });
      const profile = (values.profile ?? "full") as ProfileName;
      if (!["core", "federation", "full"].includes(profile))
        throw new UsageError(`--profile must be core, federation or full`);
      const report = await runSuite({
        nodeUrl: need(values, "node"),
        kitDir: need(values, "kit"),
        reportDir: need(values, "report"),
        profile,
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
