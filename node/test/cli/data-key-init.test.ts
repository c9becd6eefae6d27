import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/main.js";
import { readNodeDir } from "../../src/cli/node-dir.js";
import { createNode } from "../../src/index.js";
import { cli, initNode, removeTempDirs } from "./helpers.js";

afterEach(removeTempDirs);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const PATHS = new Set(COMMANDS.map((c) => c.path.join(" ")));
/** The first words of commands that take a second word (agency, trust, data-key, …). */
const GROUPS = new Set(COMMANDS.filter((c) => c.path.length > 1).map((c) => c.path[0]!));

/** Every `frx-node GROUP WORD` named in the text, where GROUP is a command group. */
function groupCommands(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/frx-node ([a-z][a-z-]*) ([a-z][a-z-]*)/g))
    if (GROUPS.has(m[1]!)) out.push(`${m[1]} ${m[2]}`);
  return out;
}

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

/** A node folder as a version before encryption at rest left it: no data key, none named. */
async function nodeWithoutDataKey(): Promise<string> {
  const dir = await initNode();
  const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  delete config.dataKeyFile;
  await writeFile(join(dir, "config.json"), JSON.stringify(config, null, 2));
  await rm(join(dir, "data-keys.json"));
  return dir;
}

describe("frx-node data-key init, and the commands the node's hints name", () => {
  it("names only real commands in the node's messages, help texts and the docs", async () => {
    const named: Array<[string, string]> = [];
    const files = [
      ...(await filesUnder(join(ROOT, "node", "src"), ".ts")),
      ...(await filesUnder(join(ROOT, "docs"), ".md")),
    ];
    for (const file of files)
      for (const c of groupCommands(await readFile(file, "utf8"))) named.push([file, c]);
    // The control: the scan finds the commands the docs use.
    expect(named.map(([, c]) => c)).toContain("data-key rotate");
    expect(named.filter(([, c]) => !PATHS.has(c))).toEqual([]);
  });

  it("starts no node without a data key, and says which command gives it one", async () => {
    const dir = await nodeWithoutDataKey();
    const { config, keys } = await readNodeDir(dir);
    const refused = await createNode({ config, keys, dir }).then(
      () => "started",
      (e: Error) => e.message,
    );
    const hinted = groupCommands(refused);
    expect(hinted).toEqual(["data-key init"]);
    expect(PATHS.has(hinted[0]!)).toBe(true);
  });

  it("creates the key file (0600), names it in config.json, and the node then starts", async () => {
    const dir = await nodeWithoutDataKey();
    const before = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as object;
    const r = await cli("data-key", "init", "--dir", dir);
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(join(dir, "data-keys.json"))).mode & 0o777).toBe(0o600);
    // The config keeps what it said, defaults not filled in, and gains the key file.
    expect(JSON.parse(await readFile(join(dir, "config.json"), "utf8"))).toEqual({
      ...before,
      dataKeyFile: "data-keys.json",
    });
    const { config, keys } = await readNodeDir(dir);
    const node = await createNode({ config, keys, dir });
    expect(node.ctx.dataKeys.ids()).toHaveLength(1);
    await node.close();

    // Never a second key over the first: content sealed under it would be lost.
    const again = await cli("data-key", "init", "--dir", dir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already names a data key file/);
  });
});
