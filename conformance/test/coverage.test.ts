import { requirements } from "@frx/spec";
import { describe, expect, it } from "vitest";
import { ALL_TESTS, CLIENT_CHECKS, coverageOf } from "../src/index.js";
import { UNCOVERED } from "../src/report/uncovered.js";

/**
 * The coverage of every test of both profiles: the node profile's, and the client profile's
 * checks, which assert the requirements on agency systems (statuses do not change coverage).
 */
const all = coverageOf([...ALL_TESTS, ...CLIENT_CHECKS]);
const musts = new Set(
  requirements.filter((r) => r.level === "MUST" || r.level === "MUST NOT").map((r) => r.id),
);

describe("the coverage of the specification's MUSTs", () => {
  it("gives every MUST that no test asserts a reason, and no reason to a MUST a test asserts", () => {
    const unexplained = all.uncovered.filter((id) => !(id in UNCOVERED));
    expect(unexplained, "uncovered MUSTs without a reason in src/report/uncovered.ts").toEqual([]);
    const stale = Object.keys(UNCOVERED).filter((id) => !all.uncovered.includes(id));
    expect(stale, "reasons for MUSTs that a test now covers, or that are no MUSTs").toEqual([]);
    for (const id of Object.keys(UNCOVERED)) expect(musts.has(id), id).toBe(true);
  });

  it("reports covered, explained and pending requirements that add up", () => {
    expect(all.covered + all.explained + all.pending.length).toBe(all.requirements);
    const row = all.byRequirement.find((r) => r.id === all.pending[0]);
    expect(row?.uncovered?.kind).toBe("pending");
    // Printed so that a certifier or reviewer sees the figures the suite claims.
    console.log(
      `MUSTs ${all.requirements}: covered ${all.covered} (${pct(all.covered)}), explained ${all.explained}, covered or explained ${pct(all.covered + all.explained)}, pending ${all.pending.length}`,
    );
  });

  it("counts the requirements on agency systems as covered by the client profile", () => {
    const clientOnly = ["FRX-API-004", "FRX-API-008", "FRX-API-009", "FRX-API-010", "FRX-API-015"];
    for (const id of [...clientOnly, "FRX-API-028", "FRX-API-029", "FRX-API-030", "FRX-API-031"])
      expect(all.byRequirement.find((r) => r.id === id)?.tests.length, id).toBeGreaterThan(0);
    // A node run does not assert them, and says which profile does instead of "uncovered".
    const nodeRun = coverageOf(ALL_TESTS, { profile: "client", tests: CLIENT_CHECKS });
    for (const id of clientOnly) {
      const row = nodeRun.byRequirement.find((r) => r.id === id);
      expect(row?.tests, id).toEqual([]);
      expect(row?.assertedBy, id).toBe("client");
      expect(row?.uncovered, id).toBeUndefined();
    }
    expect(nodeRun.elsewhere).toEqual(expect.arrayContaining(clientOnly));
  });

  it("claims FRX-DL-001 by its own cross-border test only, not through the FRX-DL-002 test", () => {
    const dl1 = all.byRequirement.find((r) => r.id === "FRX-DL-001");
    expect(dl1?.tests).toEqual(["FRX-DL-001"]);
  });
});

function pct(n: number): string {
  return `${((100 * n) / all.requirements).toFixed(1)} %`;
}
