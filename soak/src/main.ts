#!/usr/bin/env node
// npm run soak -- --minutes N [--fraction F] [--warmup W]: a three-node federation under a steady load with
// restarts and a peer outage; progress on stderr, one JSON line of results on stdout. Exit 1
// when an envelope was lost or duplicated, or a node process crashed or would not restart.
import { parseArgs } from "node:util";
import { runSoak } from "./soak.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    fraction: { type: "string", default: "0.5" },
    warmup: { type: "string", default: "0" },
    help: { type: "boolean", default: false },
  },
});
const minutes = Number(values.minutes);
const fraction = Number(values.fraction);
const warmupMinutes = Number(values.warmup);
if (values.help || !(minutes > 0) || !(fraction > 0 && fraction <= 1) || !(warmupMinutes >= 0)) {
  console.error(
    "usage: npm run soak -- --minutes N [--fraction F] [--warmup W]   (N > 0; 0 < F ≤ 1; W ≥ 0 minutes, not counted in the drift)",
  );
  process.exit(values.help ? 0 : 2);
}
const result = await runSoak({
  minutes,
  fraction,
  warmupMinutes,
  progress: (line) => process.stderr.write(`[soak ${new Date().toISOString()}] ${line}\n`),
});
console.log(JSON.stringify(result));
process.exit(
  result.lost > 0 || result.duplicated > 0 || result.crashes > 0 || result.eventFailures > 0
    ? 1
    : 0,
);
