import { describe, expect, it } from "vitest";
import { loadRegressions } from "../src/regressions.js";
import { TARGETS } from "../src/targets/index.js";

// Every input that once failed (or reproduces a past finding) is replayed on every npm test.
const regressions = await loadRegressions();

describe("saved fuzz regressions replay without a failure", () => {
  it("the folder holds replayable regressions, each for a known target", () => {
    expect(regressions.length).toBeGreaterThan(0);
    for (const r of regressions) expect(Object.keys(TARGETS)).toContain(r.target);
  });
  for (const name of new Set(regressions.map((r) => r.target))) {
    it(
      name,
      async () => {
        const target = await TARGETS[name]!();
        try {
          for (const r of regressions.filter((x) => x.target === name))
            await expect(target.check(r.input), r.file).resolves.toBeUndefined();
        } finally {
          await target.close();
        }
      },
      60_000,
    );
  }
});
