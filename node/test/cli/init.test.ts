import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { thumbprint } from "@frx/spec";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeConfig } from "../../src/config/config.js";
import type { NodeKeys } from "../../src/config/keys.js";
import { cli, dumpStore, removeTempDirs, tempDir } from "./helpers.js";

afterEach(removeTempDirs);

describe("frx-node init", () => {
  it("writes config.json and 0600 node keys, creates an empty store, prints the kid", async () => {
    const dir = join(await tempDir(), "th");
    const r = await cli(
      "init",
      "--dir",
      dir,
      "--node",
      "TH",
      "--name",
      "Thai node",
      "--port",
      "7411",
      "--public-url",
      "https://frx.example.go.th",
    );
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as NodeConfig;
    expect(config).toMatchObject({
      node: "TH",
      name: "Thai node",
      host: "127.0.0.1",
      port: 7411,
      publicUrl: "https://frx.example.go.th",
    });
    const keys = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    expect((await stat(join(dir, "node-keys.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "config.json"))).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(thumbprint(keys.signing));
    expect(r.stdout).toContain(`frx-node start --dir ${dir}`);
    expect((await stat(join(dir, "attachments"))).isDirectory()).toBe(true);
    expect((await stat(join(dir, "attachments"))).mode & 0o777).toBe(0o700);
    // The store holds the first operator's key and its audit entry, nothing else.
    const store = await dumpStore(dir);
    const held = Object.entries(store).filter(([, entries]) => entries.length > 0);
    expect(held.map(([sub, entries]) => [sub, entries.length])).toEqual([
      ["audit", 1],
      ["operators", 2],
    ]);
    const operator = JSON.parse(await readFile(join(dir, "operator.private.json"), "utf8")) as {
      name: string;
    };
    expect(operator.name).toBe("admin");
    expect((await stat(join(dir, "operator.private.json"))).mode & 0o777).toBe(0o600);
  });

  it("refuses a second init of the same folder and leaves the first node's keys alone", async () => {
    const dir = join(await tempDir(), "th");
    expect((await cli("init", "--dir", dir, "--node", "TH")).code).toBe(0);
    const keys = await readFile(join(dir, "node-keys.json"), "utf8");
    const r = await cli("init", "--dir", dir, "--node", "LA");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already holds a node");
    expect(await readFile(join(dir, "node-keys.json"), "utf8")).toBe(keys);
    expect(JSON.parse(await readFile(join(dir, "config.json"), "utf8"))).toMatchObject({
      node: "TH",
    });
  });

  it("initialises into an existing folder that holds no node", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "README"), "ops notes");
    const r = await cli("init", "--dir", dir, "--node", "LA");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "config.json"), "utf8"))).toMatchObject({
      node: "LA",
    });
  });

  it("config show prints the effective config with defaults and no secrets", async () => {
    const dir = join(await tempDir(), "th");
    await cli("init", "--dir", dir, "--node", "TH");
    // An operator trims config.json by hand; the defaults fill the rest.
    await writeFile(join(dir, "config.json"), JSON.stringify({ node: "TH", port: 7999 }));
    const r = await cli("config", "show", "--dir", dir);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout) as NodeConfig;
    expect(shown).toMatchObject({ node: "TH", port: 7999, checkpointEvery: 100, sync: true });
    const keys = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    expect(r.stdout).not.toContain(keys.signing.d);
  });
});
