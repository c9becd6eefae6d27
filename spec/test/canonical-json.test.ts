import { describe, expect, it } from "vitest";
import { canonicalize } from "../src/codec/canonical-json.js";
import { isFrxError } from "../src/errors.js";
import { rfc8785Cases } from "./external-vectors.js";

describe("RFC 8785 canonical JSON", () => {
  const cases = rfc8785Cases();

  it("has the RFC's vectors to check against", () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "arrays.json",
        "french.json",
        "structures.json",
        "unicode.json",
        "values.json",
        "weird.json",
      ]),
    );
  });

  it.each(cases)("produces the exact canonical bytes for $name", ({ input, output }) => {
    expect(canonicalize(JSON.parse(input))).toBe(output);
  });

  it("sorts keys by UTF-16 code units, not code points", () => {
    // U+1F600 is a surrogate pair starting 0xD83D, which sorts before U+FB33.
    expect(canonicalize({ "\uFB33": 1, "\u{1F600}": 2 })).toBe('{"\u{1F600}":2,"\uFB33":1}');
  });

  it("serializes numbers the ECMAScript way, -0 as 0", () => {
    expect(canonicalize([1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333])).toBe(
      "[1e+21,1e-7,0,0.30000000000000004,333333333.3333333]",
    );
  });

  it.each([
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["a lone surrogate", "\uD800x"],
    ["a lone surrogate key", { "\uDC00": 1 }],
    ["undefined", undefined],
    ["a function", () => 1],
  ])("refuses %s with envelope.payload-not-json", (_, value) => {
    let error: unknown;
    try {
      canonicalize(value);
    } catch (e) {
      error = e;
    }
    expect(isFrxError(error, "envelope.payload-not-json")).toBe(true);
  });
});
