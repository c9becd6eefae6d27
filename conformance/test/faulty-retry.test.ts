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
    "FRX-FED-041",
    "FRX-FED-045",
    "FRX-FED-046",
    "FRX-FED-047",
    "FRX-FED-051",
    // Later deliveries to the same peer wait out the backoff too, until the peer is heard from.
    "FRX-FED-055",
    "FRX-FED-068",
    "FRX-RCPT-008",
    "FRX-RCPT-009",
  ]);
});

it("fails it on nothing outside outbound federation", () => {
  expect(failingAreas(report)).toEqual(["federation/outbound"]);
});
