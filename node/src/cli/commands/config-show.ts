import { resolve } from "node:path";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";
import { readNodeConfig } from "../node-dir.js";

export const configShowCommand: Command = {
  path: ["config", "show"],
  summary: "print the node's effective config as JSON",
  usage: `Usage: frx-node config show --dir DIR

Prints the config the node runs with: DIR/config.json with defaults filled in. It holds no
secrets (the node's keys are in node-keys.json, which this never prints).

  --dir DIR   the node's data folder
`,
  flags: { ...DIR_FLAG },
  async run(flags, io) {
    const config = await readNodeConfig(resolve(flags.string("dir")));
    io.stdout(lines(JSON.stringify(config, null, 2)));
    return 0;
  },
};
