import { describe, expect, it } from "vitest";
import { runSoak } from "../src/soak.js";

// A short soak: the same federation, mix, restarts and outage as `npm run soak`, for seconds.
// Drift figures of so short a run mean nothing; what must hold at any length is asserted.
describe("soak (short)", () => {
  it("loses and duplicates nothing across restarts and an outage, and reports every figure", async () => {
    const r = await runSoak({ minutes: 0.4, fraction: 0.3, capacitySeconds: 4, sampleMs: 1000 });
    expect(r.ops).toBeGreaterThan(20);
    expect(r.expected).toBeGreaterThan(r.ops / 2);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.crashes).toBe(0);
    expect(r.eventFailures).toBe(0);
    expect(r.filesBad).toBe(0);
    expect(r.filesVerified).toBeGreaterThan(0);
    expect(r.refused).toEqual({});
    for (const d of [r.rssMB, r.heapMB, r.handles, r.storeMB, r.p50ms, r.p99ms]) {
      expect(Number.isFinite(d.first) && Number.isFinite(d.last) && Number.isFinite(d.drift)).toBe(
        true,
      );
    }
    expect(r.storeMB.last).toBeGreaterThan(r.storeMB.first);
  }, 180_000);
});
