#!/usr/bin/env node
import { runDemo } from "./run.js";

/** `npm run demo` (the README's main job); `--keep` leaves the nodes running and prints their URLs. */
async function main(): Promise<void> {
  const keep = process.argv.includes("--keep");
  const { federation } = await runDemo();
  if (!keep) {
    await federation.close();
    process.stdout.write("\ndemo complete: all nine actions exchanged across TH, LA and KH.\n");
    return;
  }
  process.stdout.write("\nnodes left running (Ctrl-C to stop):\n");
  for (const cc of ["TH", "LA", "KH"])
    process.stdout.write(
      `  ${cc}  ${federation.url(cc)}  (/.well-known/frx-node, /v1/directory, /v1/registry)\n`,
    );
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
