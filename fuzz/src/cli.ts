#!/usr/bin/env node
// npm run fuzz -- [--target NAME]... [--runs N] [--seed S] [--no-save]
// Runs each target (all by default) for N generated inputs (default 1000), prints one JSON
// line per target and a summary line, saves every failing input to fuzz/regressions/NAME/
// (which npm test replays forever), and exits 1 when any oracle failed.
import { parseArgs } from "node:util";
import { regressionsDir } from "./regressions.js";
import { runTarget } from "./runner.js";
import { TARGETS } from "./targets/index.js";

const USAGE = `usage: npm run fuzz -- [--target NAME]... [--runs N] [--seed S] [--no-save]
targets: ${Object.keys(TARGETS).join(", ")}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      target: { type: "string", multiple: true },
      runs: { type: "string", default: "1000" },
      seed: { type: "string" },
      "no-save": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const names = values.target ?? Object.keys(TARGETS);
  const unknown = names.filter((n) => !(n in TARGETS));
  if (
    !Number.isSafeInteger(runs) ||
    runs < 1 ||
    unknown.length > 0 ||
    (seed !== undefined && !Number.isSafeInteger(seed))
  ) {
    console.error(
      unknown.length > 0
        ? `unknown target ${unknown.join(", ")}\n${USAGE}`
        : `bad --runs or --seed\n${USAGE}`,
    );
    return 2;
  }
  const started = Date.now();
  let cases = 0;
  let failed = 0;
  for (const name of names) {
    const t0 = Date.now();
    const report = await runTarget(name, TARGETS[name]!, {
      runs,
      ...(seed !== undefined ? { seed } : {}),
      ...(values["no-save"] ? {} : { saveTo: regressionsDir }),
    });
    cases += report.runs;
    if (report.failed) failed++;
    console.log(JSON.stringify({ ...report, seconds: (Date.now() - t0) / 1000 }));
  }
  console.log(
    JSON.stringify({
      summary: true,
      targets: names.length,
      cases,
      failed,
      seconds: (Date.now() - started) / 1000,
    }),
  );
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
