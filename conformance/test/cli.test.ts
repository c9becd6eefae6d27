import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/index.js";
import { startReference, type Reference } from "./support/reference.js";

function io() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
    },
  };
}

let ref: Reference;
let scratch: string;
beforeAll(async () => {
  ref = await startReference();
  scratch = await mkdtemp(join(tmpdir(), "frx-cli-"));
}, 60_000);
afterAll(async () => {
  await ref?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe("frx-conformance", () => {
  it("prints its usage, and exits 2 on bad usage", async () => {
    const a = io();
    expect(await main(["--help"], a.io)).toBe(0);
    expect(a.out.stdout).toContain("frx-conformance COMMAND");
    const b = io();
    expect(await main(["kit", "--out", scratch], b.io)).toBe(2);
    expect(b.out.stderr).toContain("--node-id is required");
    expect(await main(["nonsense"], io().io)).toBe(2);
  });

  it("answers --help for every command with that command's flags, exit 0", async () => {
    for (const [command, flag] of [
      ["kit", "--node-member"],
      ["run", "--profile"],
    ] as const) {
      for (const help of ["--help", "-h"]) {
        const a = io();
        expect(await main([command, help], a.io)).toBe(0);
        expect(a.out.stdout).toContain(`Usage: frx-conformance ${command}`);
        expect(a.out.stdout).toContain(flag);
        expect(a.out.stderr).toBe("");
      }
    }
  });

  it("runs a profile against a node, writes the reports, and exits 0 when every mandatory test passed", async () => {
    const report = join(scratch, "report");
    const a = io();
    const code = await main(
      [
        "run",
        "--node",
        ref.url,
        "--kit",
        ref.kitDir,
        "--report",
        report,
        "--profile",
        "core",
        "--only",
        "FRX-SIG-00,FRX-POL-008",
      ],
      a.io,
    );
    expect(a.out.stdout).toMatch(/^ok {3}FRX-SIG-008/m);
    expect(code, a.out.stdout + a.out.stderr).toBe(0);
    for (const f of ["report.json", "report.json.jws", "junit.xml", "report.html"])
      await access(join(report, f));
  });

  it("exits 1 when the node is not the one the kit was made for", async () => {
    const kit = join(scratch, "kit-la");
    expect(await main(["kit", "--out", kit, "--node-id", "LA"], io().io)).toBe(0);
    const a = io();
    expect(
      await main(["run", "--node", ref.url, "--kit", kit, "--report", join(scratch, "r2")], a.io),
    ).toBe(1);
    expect(a.out.stderr).toContain("the kit is for LA");
  });
});
