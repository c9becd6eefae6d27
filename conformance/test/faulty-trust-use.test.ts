/**
 * Fault (f): a node that never judges its list in force expired and applies a version whatever
 * its own entry says. vi.mock replaces @frx/spec's assertInForce and assertOwnEntry, for every
 * module this worker loads (the reference node's included), with ones that accept anything.
 * Its readiness check still reads the expiry itself, so only the federation cut-off is off.
 * Nothing in node/ changes. Only the trust-list tests run.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { runSuite, type Report } from "../src/index.js";
import { failedIds } from "./support/expectations.js";
import { startReference, type Reference } from "./support/reference.js";

vi.mock("@frx/spec", async (importOriginal) => {
  const spec = await importOriginal<typeof import("@frx/spec")>();
  return { ...spec, assertInForce: () => undefined, assertOwnEntry: () => undefined };
});

let ref: Reference;
let report: Report;
beforeAll(async () => {
  ref = await startReference();
  report = await runSuite({
    nodeUrl: ref.url,
    kitDir: ref.kitDir,
    profile: "federation",
    only: ["FRX-TRUST-"],
    operator: ref.operator,
  });
}, 150_000);
afterAll(async () => ref?.close());

it("fails the node that ignores expiry and its own entry on those tests, and only there", () => {
  expect(failedIds(report)).toEqual(["FRX-TRUST-015", "FRX-TRUST-029"]);
  expect(report.tests.find((t) => t.id === "FRX-TRUST-029")?.message).toContain(
    "the node applied a version listing a signing key the node does not hold",
  );
  expect(report.tests.find((t) => t.id === "FRX-TRUST-015")?.message).toMatch(
    /sent to XA after its list in force expired|trust\.list-expired/,
  );
});
