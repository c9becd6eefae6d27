#!/usr/bin/env node
// The `frx-node` command. Committed (not built) so that npm links it at install time, before
// dist/ exists; it loads the compiled CLI from dist/ when run.
let cli;
try {
  cli = await import("../dist/cli/main.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist"))
    throw error;
  process.stderr.write("frx-node: not built yet; run `npm run build` in the FRX checkout first\n");
  process.exit(1);
}
process.exitCode = await cli.run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});
