import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonDepth, MAX_JSON_DEPTH } from "../src/codec/json-depth.js";
import { parseCanonicalObject } from "../src/jws/envelope.js";

/** The nesting depth of a parsed value, by recursion: the reference for small values. */
const depthOf = (v: unknown): number =>
  v !== null && typeof v === "object"
    ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depthOf))
    : 0;

describe("FRX-JCS-005: the nesting bound", () => {
  it("counts the depth of any JSON text as a parser would see it, brackets in strings aside", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonDepth(JSON.stringify(value))).toBe(depthOf(value));
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses a payload one level too deep with envelope.too-deep and accepts the bound itself", () => {
    const nested = (levels: number) =>
      Buffer.from(`{"a":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`);
    expect(() => parseCanonicalObject(nested(MAX_JSON_DEPTH + 1))).toThrow(/deeper than 32/);
    expect(parseCanonicalObject(nested(MAX_JSON_DEPTH))).toHaveProperty("a");
    expect(() => parseCanonicalObject(nested(100_000))).toThrow(/deeper than 32/);
  });
});
