import { describe, expect, it } from "vitest";
import { CAST } from "../src/federation/cast.js";
import { legend, nodeUrls } from "../src/demo/legend.js";

describe("the demo's legend and node addresses", () => {
  it("names every agency of the cast and every tier, one line each", () => {
    const text = legend();
    const ids = Object.values(CAST).flatMap((n) => n.agencies.map((a) => a.id));
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(text).toMatch(new RegExp(`^  ${id} +\\S`, "m"));
    expect(text).toMatch(
      /^ {2}TH:DOE +Department of Labour Protection and Welfare \(labour_inspectorate\)$/m,
    );
    for (const tier of ["T0", "T1", "T2", "T3"])
      expect(text).toMatch(new RegExp(`^  ${tier}  \\S`, "m"));
  });

  it("prints each node's health, readiness, metrics and OpenAPI addresses", () => {
    const text = nodeUrls("TH", "http://127.0.0.1:7411");
    for (const route of [
      "/healthz",
      "/readyz",
      "/metrics",
      "/openapi.json",
      "/.well-known/frx-node",
    ])
      expect(text).toContain(`http://127.0.0.1:7411${route}`);
  });
});
