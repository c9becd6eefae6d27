/**
 * Fault (c): a node that never retries a failed delivery. Made by configuration alone: a
 * federation backoff of about eleven days, so a retry inside the run is a 1-in-50,000
 * chance (the delay is drawn uniformly between 0 and the cap).
 */
import { beforeAll, expect, it } from "vitest";
import type { Report } from "../src/index.js";
import { failingAreas, newFailures, runAgainstFaulty } from "./support/faulty.js";

let report: Report;
beforeAll(async () => {
  report = await runAgainstFaulty({
    configure: (config) => {
      config.federation.backoffBaseMs = 1_000_000_000;
      config.federation.backoffCapMs = 1_000_000_000;
    },
  });
}, 420_000);

it("fails the node on exactly the tests that need a retry", () => {
  expect(newFailures(report)).toEqual([
    // The dead letter retried by the operator waits out the backoff too, and never arrives.
    "FRX-ADM-010",
    // The erasure notice the peer answered 503 once waits out the same backoff (FRX-DP-013).
    "FRX-DP-010",
    "FRX-FED-041",
    // Once the peer has failed, every later delivery to it waits out the backoff too, until the
    // peer is heard from: whatever needs a delivery (or an attempt) after that fails.
    "FRX-FED-044",
    "FRX-FED-045",
    "FRX-FED-046",
    "FRX-FED-047",
    "FRX-FED-051",
    "FRX-FED-053",
    "FRX-FED-054",
    "FRX-FED-055",
    "FRX-FED-068",
    "FRX-FED-073",
    "FRX-FED-083",
    // The held first transaction of the case is never retried, so the case's next envelope never leaves.
    "FRX-FED-087",
    "FRX-RCPT-008",
    "FRX-RCPT-009",
    "FRX-TRUST-028",
  ]);
});

it("fails it on nothing outside outbound federation, erasure notices and the dead letters it leaves", () => {
  expect(failingAreas(report)).toEqual([
    "admin/dead-letters",
    "data-protection/erasure-notices-out",
    "federation/attachments-out",
    "federation/outbound",
    "federation/outbound-evidence",
    "federation/trust-lapse",
  ]);
});
