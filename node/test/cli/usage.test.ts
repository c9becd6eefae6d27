import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/main.js";
import { cli, initNode, removeTempDirs, tempDir } from "./helpers.js";

afterEach(removeTempDirs);

describe("frx-node usage", () => {
  it("prints the command overview for --help and exits 0", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.path.join(" ")} `);
    expect(r.stderr).toBe("");
  });

  it("prints the overview to stderr and exits 2 with no command", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: frx-node COMMAND");
  });

  it.each(COMMANDS.map((c) => [c.path.join(" "), c] as const))(
    "%s --help prints its usage and exits 0",
    async (name, command) => {
      const r = await cli(...command.path, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(command.usage);
      expect(r.stdout.startsWith(`Usage: frx-node ${name}`)).toBe(true);
      for (const flag of Object.keys(command.flags)) expect(r.stdout).toContain(`--${flag}`);
    },
  );

  it("prints a group's subcommands for agency --help", async () => {
    const r = await cli("agency", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("agency rotate-key");
    expect(r.stdout).not.toContain("audit verify");
  });

  it.each([
    [["frobnicate"], "unknown command frobnicate"],
    [["agency"], "agency needs a subcommand"],
    [["agency", "frobnicate"], "agency has no subcommand frobnicate"],
    [["agency", "list", "--dir", "/x", "--colour"], "unknown flag --colour"],
    [["agency", "list", "--dir"], "--dir needs a value"],
    [["agency", "list"], "--dir is required"],
    [["agency", "list", "--dir", "/x", "extra"], "unexpected argument extra"],
    [["agency", "list", "--dir", "/x", "--dir", "/y"], "--dir is given twice"],
    [["agency", "list", "--dir", "/x", "--json=yes"], "--json takes no value"],
    [["init", "--dir", "/x", "--node", "TH", "--port", "http"], "--port must be an integer"],
    [["init", "--dir", "/x", "--node", "TH", "--port", "70000"], "--port must be an integer"],
    [["init", "--dir", "/x", "--node", "th"], "--node must be an ISO 3166-1 alpha-2 code"],
    [["init", "--dir", "/x", "--node", "TH", "--public-url", "ftp://x"], "--public-url must be"],
  ])("%j is a usage error: exit 2, usage on stderr", async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Usage: frx-node");
    expect(r.stdout).toBe("");
  });

  it("accepts --flag=value as well as --flag value", async () => {
    const dir = await initNode();
    const r = await cli("config", "show", `--dir=${dir}`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ node: "TH" });
  });

  it("says plainly when DIR holds no node (exit 1, not a usage error)", async () => {
    const dir = await tempDir();
    const r = await cli("agency", "list", "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no node at ${dir}: config.json is missing`);
  });
});
