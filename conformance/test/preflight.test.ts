import { access } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KitNotInstalled, runSuite } from "../src/index.js";
import { startReference, type Reference } from "./support/reference.js";

let ref: Reference | undefined;
afterEach(async () => {
  await ref?.close();
  ref = undefined;
});

async function refusal(r: Reference): Promise<KitNotInstalled> {
  const error = await runSuite({
    nodeUrl: r.url,
    kitDir: r.kitDir,
    reportDir: r.reportDir,
    profile: "core",
    only: ["FRX-SIG-008"],
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KitNotInstalled);
  // No signed FAIL of the node: no report at all.
  await expect(access(join(r.reportDir, "report.json"))).rejects.toThrow();
  return error as KitNotInstalled;
}

describe("the check that the kit is installed, before any test", () => {
  it("stops a run at a node without the kit's agencies and trust list, naming each problem", async () => {
    ref = await startReference({ skip: { agencies: true, trustList: true } });
    const e = await refusal(ref);
    expect(e.problems).toEqual(
      expect.arrayContaining([
        "agency TH:CONF-LI is not registered (run register-reference-node.sh)",
        "agency TH:CONF-OFF is not registered (run register-reference-node.sh)",
        "GET /v1/trust-list answered 404: no trust list is in force",
      ]),
    );
  }, 60_000);

  it("stops a run at a node whose deadlines are not the kit's overrides", async () => {
    ref = await startReference({ skip: { overrides: true } });
    const e = await refusal(ref);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(
      /risk_to_life referral's deadline falls \d+ s after it was stored/,
    );
  }, 60_000);

  it("lets a run start at a node where the kit is installed", async () => {
    ref = await startReference();
    const notes: string[] = [];
    const report = await runSuite({
      nodeUrl: ref.url,
      kitDir: ref.kitDir,
      reportDir: ref.reportDir,
      profile: "core",
      only: ["FRX-SIG-008"],
      onNote: (n) => notes.push(n),
    });
    expect(report.outcome).toBe("pass");
    // The deadline was seen and the check's referral withdrawn: nothing left unchecked.
    expect(notes).toEqual([]);
  }, 60_000);
});
