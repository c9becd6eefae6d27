import { access, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
      ["kit", "--force"],
      ["run", "--force"],
      ["verify-report", "--kit"],
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
        // Not FRX-SIG-005 and -006: they need --operator, and skip (a FAIL) without it.
        "FRX-SIG-007,FRX-SIG-008,FRX-SIG-009,FRX-POL-008",
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

  it("refuses to overwrite a report unless forced, and verify-report checks its detached signature", async () => {
    const report = join(scratch, "report-twice");
    const args = ["run", "--node", ref.url, "--kit", ref.kitDir, "--report", report];
    const only = ["--profile", "core", "--only", "FRX-SIG-008"];
    expect(await main([...args, ...only], io().io)).toBe(0);
    const first = await readFile(join(report, "report.json"), "utf8");
    const again = io();
    expect(await main([...args, ...only], again.io)).toBe(1);
    expect(again.out.stderr).toContain("report.json exists");
    expect(again.out.stderr).toContain("--force");
    expect(await readFile(join(report, "report.json"), "utf8")).toBe(first);
    expect(await main([...args, ...only, "--force"], io().io)).toBe(0);
    expect(await readFile(join(report, "report.json"), "utf8")).not.toBe(first);

    const ok = io();
    expect(await main(["verify-report", report, "--kit", ref.kitDir], ok.io)).toBe(0);
    expect(ok.out.stdout).toMatch(/report\.json verifies: signed by report key \S+, the kit's/);
    const otherKit = join(scratch, "kit-other");
    expect(await main(["kit", "--out", otherKit, "--node-id", "TH"], io().io)).toBe(0);
    const wrongKit = io();
    expect(await main(["verify-report", report, "--kit", otherKit], wrongKit.io)).toBe(1);
    expect(wrongKit.out.stderr).toContain("not the kit's report key");

    const tampered = join(scratch, "report-tampered");
    await cp(report, tampered, { recursive: true });
    const json = await readFile(join(tampered, "report.json"), "utf8");
    await writeFile(
      join(tampered, "report.json"),
      json.replace('"outcome": "pass"', '"outcome": "fail"'),
    );
    const bad = io();
    expect(await main(["verify-report", tampered], bad.io)).toBe(1);
    expect(bad.out.stderr).toContain("does not verify");
    expect(await main(["verify-report"], io().io)).toBe(2);
  });

  it("writes the report fields the certification guide names, notes included", async () => {
    const guide = await readFile(new URL("../../docs/certification.md", import.meta.url), "utf8");
    const bullet = guide.slice(
      guide.indexOf("- `report.json`:"),
      guide.indexOf("- `report.json.jws`"),
    );
    const named = [...bullet.matchAll(/`([a-zA-Z]+)`/g)].map((m) => m[1]!);
    const report = JSON.parse(await readFile(join(scratch, "report", "report.json"), "utf8")) as {
      tests: Array<Record<string, unknown>>;
    } & Record<string, unknown>;
    expect(named).toEqual(expect.arrayContaining(["reportKey", "notes", "coverage", "outcome"]));
    // Every top-level member is named, and a test entry has no member the guide does not name.
    expect(Object.keys(report).sort()).toEqual(
      Object.keys(report)
        .filter((k) => named.includes(k))
        .sort(),
    );
    for (const k of Object.keys(report)) expect(named, `the guide names ${k}`).toContain(k);
    const described = new Set([...named, "title", "area", "mandatory", "covers"]);
    for (const t of report.tests)
      for (const k of Object.keys(t)) expect([...described], `a test's ${k}`).toContain(k);
  });
});
