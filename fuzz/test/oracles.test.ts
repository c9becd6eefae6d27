import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FrxError } from "@frx/spec";
import { expectAnswer, expectCodedRefusal } from "../src/oracles.js";
import { loadRegressions, saveRegression } from "../src/regressions.js";
import { runTarget } from "../src/runner.js";
import { OracleFailure, type FuzzTarget } from "../src/target.js";
import * as fc from "fast-check";

const problem = (code: string, status: number, bodyStatus = status) =>
  new Response(JSON.stringify({ type: `urn:frx:problem:${code}`, code, status: bodyStatus }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });

describe("the oracles fail when a rule is broken", () => {
  it("a 5xx, a 4xx that is not problem+json, an unknown code or a wrong status fail", async () => {
    await expect(expectAnswer(problem("internal.error", 500))).rejects.toThrow(OracleFailure);
    await expect(expectAnswer(new Response("no", { status: 400 }))).rejects.toThrow(/content-type/);
    await expect(expectAnswer(problem("made.up", 400))).rejects.toThrow(/unknown/);
    await expect(expectAnswer(problem("schema.invalid", 400, 422))).rejects.toThrow(/status/);
    await expect(expectAnswer(problem("schema.invalid", 422))).resolves.toEqual({
      status: 422,
      code: "schema.invalid",
    });
  });

  it("a refusal without a spec code is a failure; a coded one passes", () => {
    expect(() => expectCodedRefusal(new TypeError("x.y is undefined"))).toThrow(
      /without a spec code/,
    );
    expect(() => expectCodedRefusal(new RangeError("Maximum call stack size exceeded"))).toThrow(
      OracleFailure,
    );
    expect(() =>
      expectCodedRefusal(new FrxError("jws.malformed", "m"), ["schema.invalid"]),
    ).toThrow(/not one of/);
    expect(expectCodedRefusal(new FrxError("jws.malformed", "m"))).toBe("jws.malformed");
  });
});

describe("the runner keeps what fails", () => {
  it("saves the failing input as a regression fixture that loads back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "frx-fuzz-"));
    try {
      const broken: FuzzTarget<number> = {
        name: "broken",
        surface: "a surface that crashes on 7",
        arbitrary: fc.integer({ min: 0, max: 20 }),
        check: (n) => (n === 7 ? Promise.reject(new OracleFailure("seven")) : Promise.resolve()),
        close: () => Promise.resolve(),
      };
      const report = await runTarget(
        "broken",
        () => Promise.resolve(broken as FuzzTarget<unknown>),
        {
          runs: 500,
          seed: 1,
          saveTo: dir,
        },
      );
      expect(report).toMatchObject({ failed: true, kind: "oracle", error: "OracleFailure: seven" });
      const saved = await loadRegressions(dir);
      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatchObject({ target: "broken", input: 7 });
      await saveRegression({ target: "broken", failure: "again", found: "x", input: 7 }, dir);
      expect(await loadRegressions(dir)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
