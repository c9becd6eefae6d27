#!/usr/bin/env node
import { messageTypeValues } from "@frx/spec";
import { legend, nodeUrls } from "./legend.js";
import { runDemo } from "./run.js";

/** `npm run demo` (the README's main job); `--keep` leaves the nodes running and prints their URLs. */
async function main(): Promise<void> {
  const keep = process.argv.includes("--keep");
  const { federation, typesUsed, skipped } = await runDemo();
  process.stdout.write(legend());
  if (!keep) {
    await federation.close();
    process.stdout.write(
      `\ndemo complete: all nine actions, ${typesUsed.length} of the ${messageTypeValues.length} message types, exchanged across TH, LA and KH.\n`,
    );
    if (skipped.length > 0)
      process.stdout.write(`skipped on this build (see above for why): ${skipped.join("; ")}\n`);
    return;
  }
  process.stdout.write("\nnodes left running (Ctrl-C to stop):\n");
  for (const cc of ["TH", "LA", "KH"]) process.stdout.write(nodeUrls(cc, federation.url(cc)));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await federation.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
