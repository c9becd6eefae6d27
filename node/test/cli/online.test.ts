import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeKeys } from "../../src/config/keys.js";
import { agencyKey, cli, initNode, removeTempDirs } from "./helpers.js";
import { startInProcess, stopAll } from "./running.js";

afterEach(async () => {
  await stopAll();
  await removeTempDirs();
});

const add = (dir: string, id: string, file: string, orgType = "LabourInspectorate") =>
  cli(
    "agency",
    "add",
    "--dir",
    dir,
    "--id",
    id,
    "--name",
    id,
    "--roles",
    "labour_inspectorate",
    "--org-type",
    orgType,
    "--key",
    file,
  );

describe("frx-node commands on a running node, through its admin API (issue 14)", () => {
  it("adds an agency, rotates and revokes its keys, lists peers and dead letters, with no restart", async () => {
    const dir = await initNode();
    const node = startInProcess(dir);
    await node.url;
    const admin = JSON.parse(await readFile(join(dir, "admin.json"), "utf8")) as { url: string };
    expect(admin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const first = await agencyKey();
    const added = await add(dir, "TH:DOE", first.file);
    expect(added.code, added.stderr).toBe(0);
    // The same key for a second agency (an immigration unit) is refused.
    const twice = await add(dir, "TH:IMM", first.file, "ImmigrationService");
    expect([twice.code, twice.stderr]).toEqual([1, expect.stringContaining("(admin.key-in-use)")]);

    const second = await agencyKey();
    const rotated = await cli(
      "agency",
      "rotate-key",
      "--dir",
      dir,
      "--id",
      "TH:DOE",
      "--key",
      second.file,
    );
    expect(rotated.code, rotated.stderr).toBe(0);
    const third = await agencyKey();
    const revoked = await cli(
      "agency",
      "revoke-key",
      "--dir",
      dir,
      "--id",
      "TH:DOE",
      "--kid",
      second.publicJwk.kid!,
      "--new-key",
      third.file,
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked TH:DOE's key ${second.publicJwk.kid}`);
    const list = JSON.parse((await cli("agency", "list", "--dir", dir, "--json")).stdout) as Array<{
      keys: Array<{ kid: string; status: string }>;
    }>;
    expect(list[0]!.keys.map((k) => [k.kid, k.status])).toEqual([
      [first.publicJwk.kid, "retired"],
      [second.publicJwk.kid, "revoked"],
      [third.publicJwk.kid, "current"],
    ]);

    expect((await cli("peers", "--dir", dir)).stdout).toContain("no peers");
    expect((await cli("dead-letters", "list", "--dir", dir)).stdout).toContain("no dead letters");
    const unknown = await cli("dead-letters", "retry", "--dir", dir, "--peer", "LA", "--id", "01X");
    expect(unknown.stderr).toContain("(request.not-found)");
    expect((await cli("deadlines", "overdue", "--dir", dir)).stdout).toContain("no deadline");
    expect((await cli("audit", "verify", "--dir", dir)).code).toBe(0);

    // Each change was made by the operator init created, through the admin API.
    const stopped = await node.stop("SIGTERM");
    expect(stopped.code).toBe(0);
    const offline = await cli("agency", "list", "--dir", dir);
    expect(offline.stdout).toMatch(/TH:DOE\s+active/);
  });

  it("refuses a running node's admin API to a stranger's operator key", async () => {
    const dir = await initNode();
    const node = startInProcess(dir);
    await node.url;
    const out = join(dir, "..", "eve.private.json");
    expect((await cli("operator", "keygen", "--name", "eve", "--out", out)).code).toBe(0);
    const r = await cli("agency", "list", "--dir", dir, "--operator-key", out);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining("(auth.token-invalid)")]);
  });

  it("says in every command's --help whether it works on a running node", async () => {
    for (const argv of [
      ["agency", "add"],
      ["agency", "list"],
      ["agency", "revoke-key"],
      ["peers"],
      ["dead-letters", "retry"],
      ["trust", "apply"],
      ["trust", "show"],
      ["audit", "verify"],
    ]) {
      const help = await cli(...argv, "--help");
      expect(help.stdout.replace(/\s+/g, " "), argv.join(" ")).toContain(
        "Works on a running node through its admin API",
      );
    }
  });

  it("rotates the node's signing key on a running node, rewriting node-keys.json and keeping the old key retired", async () => {
    const dir = await initNode();
    const node = startInProcess(dir);
    await node.url;
    const before = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    const prepared = await cli("node", "prepare-key", "--dir", dir);
    expect(prepared.code, prepared.stderr).toBe(0);
    const held = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    expect(held.next?.kid).toBeDefined();
    // No trust list in force here: nothing to wait for before switching.
    const rotated = await cli("node", "rotate-key", "--dir", dir);
    expect(rotated.code, rotated.stderr).toBe(0);
    const after = JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
    expect(after.signing.kid).toBe(held.next!.kid);
    expect(after.next).toBeUndefined();
    expect(after.retired?.map((k) => k.kid)).toEqual([before.signing.kid]);
    expect((await cli("audit", "verify", "--dir", dir)).code).toBe(0);
    await node.stop("SIGTERM");
    // After a restart the node signs with the new key, and the log still verifies.
    expect((await cli("audit", "verify", "--dir", dir)).stdout).toContain(after.signing.kid);
  });

  it("backs up a running node from one snapshot, and the backup restores to a node whose audit log verifies", async () => {
    const dir = await initNode();
    const node = startInProcess(dir);
    await node.url;
    expect((await add(dir, "TH:DOE", (await agencyKey()).file)).code).toBe(0);
    const out = join(dir, "..", "running.backup");
    const backup = await cli("backup", "--dir", dir, "--out", out, "--include-keys");
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain("backup of node TH written to");
    await node.stop("SIGTERM");
    const target = join(dir, "..", "restored");
    const restored = await cli(
      "restore",
      "--data-keys",
      join(dir, "data-keys.json"),
      "--dir",
      target,
      "--from",
      out,
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli("agency", "list", "--dir", target)).stdout).toMatch(/TH:DOE\s+active/);
  });
});
