/**
 * Fault (e): a node that applies a trust-list version signed by any one member of the list in
 * force, whatever its quorum. vi.mock replaces @frx/spec's verifyTrustList, for every module
 * this test file's worker loads (the reference node's included), with one that judges a later
 * version as if the previous version's quorum were 1. Nothing in node/ changes. Only the
 * trust-list tests run: once the faulty node has applied a version, that is the list in force.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { runSuite, type Report } from "../src/index.js";
import { failedIds } from "./support/expectations.js";
import { startReference, type Reference } from "./support/reference.js";

vi.mock("@frx/spec", async (importOriginal) => {
  const spec = await importOriginal<typeof import("@frx/spec")>();
  const lax: typeof spec.verifyTrustList = (signed, options) =>
    spec.verifyTrustList(
      signed,
      options.previous
        ? {
            ...options,
            previous: { ...options.previous, list: { ...options.previous.list, quorum: 1 } },
          }
        : options,
    );
  return { ...spec, verifyTrustList: lax };
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
}, 120_000);
afterAll(async () => ref?.close());

it("fails the node that skips the quorum on the quorum test, and only there", () => {
  expect(failedIds(report)).toEqual(["FRX-TRUST-013"]);
  expect(report.tests.find((t) => t.id === "FRX-TRUST-013")?.message).toContain(
    "the node applied a version signed by XA alone",
  );
  expect(report.tests.filter((t) => t.status === "passed").length).toBeGreaterThanOrEqual(8);
});
