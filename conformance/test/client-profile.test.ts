import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main, makeKit, verifyReportDir, type Report } from "../src/index.js";
import { CLIENT_CHECKS } from "../src/client/checks.js";
import { runClientProfile } from "../src/client/run.js";

// The drivers are built JavaScript: examples/dist comes from `npm run build`.
const root = fileURLToPath(new URL("../../", import.meta.url));
const SDK_CLIENT = `node ${join(root, "examples/dist/conformance-client/sdk-client.js")}`;
const AGENCY_SYSTEM = `node ${join(root, "examples/dist/conformance-client/agency-system-client.js")}`;
const faulty = (fault: string) =>
  `FRX_FAULT=${fault} node ${join(root, "conformance/test/fixtures/faulty-client.mjs")}`;

let scratch: string;
let kitDir: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "frx-client-profile-test-"));
  kitDir = join(scratch, "kit");
  await makeKit({ out: kitDir, nodeId: "TH" });
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const failedIds = (r: Report) =>
  r.tests
    .filter((t) => t.status === "failed")
    .map((t) => t.id)
    .sort();
const every = CLIENT_CHECKS.map((c) => c.id);

describe("the client profile", () => {
  it("passes the SDK, with every check run and a signed report", async () => {
    const dir = join(scratch, "sdk");
    const report = await runClientProfile({ command: SDK_CLIENT, kitDir, reportDir: dir });
    expect(
      failedIds(report),
      JSON.stringify(
        report.tests.filter((t) => t.status !== "passed"),
        null,
        2,
      ),
    ).toEqual([]);
    expect(report.tests.map((t) => t.id)).toEqual(every);
    expect(report.outcome).toBe("pass");
    expect(report.profile).toBe("client");
    expect(report.client?.participant).toBe("TH:CONF-CLIENT");
    expect(report.client?.scenarios.map((s) => s.name)).toEqual([
      "inbox",
      "rate-limited",
      "not-ready",
      "lost-reply",
      "conflict",
      "receipt-stranger",
      "receipt-digest",
      "case-work",
    ]);
    expect((await verifyReportDir(dir, { kit: kitDir })).valid).toBe(true);
    // The client MUSTs count as covered here, the node's as asserted by the node profile.
    const row = (id: string) => report.coverage.byRequirement.find((r) => r.id === id);
    expect(row("FRX-API-009")?.tests).toEqual(["FRX-API-009", "FRX-API-009/digest"]);
    expect(row("FRX-SIG-008")?.assertedBy).toBe("node");
    expect(await readFile(join(dir, "report.html"), "utf8")).toContain("TH:CONF-CLIENT");
  }, 180_000);

  it("passes the example agency system", async () => {
    const report = await runClientProfile({ command: AGENCY_SYSTEM, kitDir });
    expect(
      failedIds(report),
      JSON.stringify(
        report.tests.filter((t) => t.status !== "passed"),
        null,
        2,
      ),
    ).toEqual([]);
    expect(report.outcome).toBe("pass");
  }, 180_000);

  it.each([
    ["skip-receipt-check", ["FRX-API-009", "FRX-API-009/digest"]],
    ["ignore-retry-after", ["FRX-API-029", "FRX-API-029/not-ready"]],
    ["accept-unverified", ["FRX-API-015"]],
  ])(
    "fails a client that does %s, naming exactly the checks it breaks",
    async (fault, expected) => {
      const report = await runClientProfile({ command: faulty(fault), kitDir });
      expect(report.outcome).toBe("fail");
      expect(failedIds(report)).toEqual([...expected].sort());
      for (const t of report.tests.filter((x) => x.status === "failed"))
        expect(t.message).toMatch(/scenario|referral/);
    },
    180_000,
  );

  // The task faults touch only what the client sends in its tasks: the case-work scenario.
  it.each([
    ["foreign-case-id", ["FRX-ENV-005"]],
    ["one-pseudonym", ["FRX-ENV-006"]],
    ["reuse-pseudonym", ["FRX-ENV-007"]],
    ["broadcast-person", ["FRX-ENV-008"]],
    ["no-attachments", ["FRX-MSG-004"]],
    ["no-host-country", ["FRX-INV-008"]],
    ["raw-stats", ["FRX-POL-026"]],
    ["trust-registry-copy", ["FRX-REG-008"]],
    ["name-in-summary", ["FRX-POL-025"]],
  ])(
    "fails a client whose tasks are done with the fault %s, naming exactly the check it breaks",
    async (fault, expected) => {
      const report = await runClientProfile({
        command: faulty(fault),
        kitDir,
        scenarios: ["case-work"],
      });
      expect(
        failedIds(report),
        JSON.stringify(
          report.tests.filter((t) => t.status === "failed"),
          null,
          2,
        ),
      ).toEqual([...expected].sort());
      for (const t of report.tests.filter((x) => x.status === "failed"))
        expect(t.message).toMatch(/^scenario case-work: /);
    },
    120_000,
  );

  it("fails a command that does nothing, and says why", async () => {
    const report = await runClientProfile({ command: "true", kitDir, scenarios: ["rate-limited"] });
    const t = report.tests.find((x) => x.id === "FRX-API-029");
    expect(t?.status).toBe("failed");
    expect(t?.message).toContain("submitted no envelope");
    // Checks of scenarios left out are skipped, and a skipped mandatory check fails the run.
    expect(report.tests.find((x) => x.id === "FRX-API-015")?.status).toBe("skipped");
    expect(report.outcome).toBe("fail");
  }, 60_000);

  it("is reached through frx-conformance run --client, which documents it", async () => {
    const out = { stdout: "", stderr: "" };
    const io = {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
    };
    expect(await main(["run", "--help"], io)).toBe(0);
    expect(out.stdout).toContain("FRX_NODE_URL");
    expect(out.stdout).toContain('"event":"not-stored"');
    expect(
      await main(
        [
          "run",
          "--client",
          "true",
          "--node",
          "http://x",
          "--kit",
          kitDir,
          "--report",
          join(scratch, "x"),
        ],
        io,
      ),
    ).toBe(2);
    expect(
      await main(
        [
          "run",
          "--client",
          "true",
          "--scenario",
          "nope",
          "--kit",
          kitDir,
          "--report",
          join(scratch, "x"),
        ],
        io,
      ),
    ).toBe(2);
    expect(out.stderr).toContain("the scenarios are inbox");
    const code = await main(
      [
        "run",
        "--client",
        SDK_CLIENT,
        "--scenario",
        "conflict",
        "--kit",
        kitDir,
        "--report",
        join(scratch, "cli"),
      ],
      io,
    );
    expect(out.stdout).toContain("ok   FRX-API-004");
    expect(out.stdout).toContain("skip FRX-API-015");
    expect(code).toBe(1);
  }, 60_000);
});
