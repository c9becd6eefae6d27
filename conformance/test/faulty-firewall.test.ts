/**
 * Fault (d): a node whose firewall is off. vi.mock replaces @frx/spec's checkPolicy, for
 * the reference node's code in this worker, with one that drops the firewall's verdicts
 * (policy.firewall and policy.immigration-recipient), so immigration data and person-level
 * data to agencies with immigration functions go through. Nothing in node/ changes.
 */
import { beforeAll, expect, it, vi } from "vitest";
import type { Report } from "../src/index.js";
import { failingAreas, newFailures, runAgainstFaulty } from "./support/faulty.js";

vi.mock("@frx/spec", async (importOriginal) => {
  const spec = await importOriginal<typeof import("@frx/spec")>();
  const FIREWALL = ["policy.firewall", "policy.immigration-recipient"];
  const leaky: typeof spec.checkPolicy = (message, context) =>
    spec.checkPolicy(message, context).filter((v) => !FIREWALL.includes(v.code));
  return { ...spec, checkPolicy: leaky };
});

let report: Report;
beforeAll(async () => {
  report = await runAgainstFaulty();
}, 420_000);

it("fails the node on exactly the firewall tests", () => {
  expect(newFailures(report)).toEqual([
    "FRX-FED-058",
    "FRX-POL-003",
    "FRX-POL-008",
    "FRX-POL-010",
    "FRX-POL-016",
    "FRX-POL-037",
    "FRX-POL-038",
  ]);
});

it("fails it on nothing but policy, here and at the federation's edge", () => {
  expect(failingAreas(report)).toEqual(["federation/routing", "policy", "policy/persons"]);
});
