import { isDeepStrictEqual } from "node:util";
import * as fc from "fast-check";
import { canonicalize, parseCanonicalObject } from "@frx/spec";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface Input {
  value: unknown;
  /** Indentation for a second, non-canonical spelling of the same value (0: none). */
  indent: number;
}

/**
 * RFC 8785 canonical JSON, serialised and parsed back. Oracles: serialising is idempotent
 * (parse then canonicalize gives the same text); the text parses to the same value; members are
 * the text equals an independent reference serialiser's; the canonical parser accepts the
 * canonical bytes of an object and refuses any other spelling with `envelope.non-canonical`.
 */
export function canonicalJsonTarget(): Promise<FuzzTarget<Input>> {
  const arbitrary = fc.record({
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 5 }),
      fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })),
      fc.dictionary(
        fc.string({ maxLength: 4 }),
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
      ),
    ),
    indent: fc.constantFrom(0, 0, 1, 2),
  });
  return Promise.resolve({
    name: "canonical-json",
    surface: "RFC 8785 canonical JSON (every signed payload)",
    arbitrary,
    async check({ value, indent }) {
      const r = await acceptedOrRefused(() => canonicalize(value), ["envelope.non-canonical"]);
      if (!r.ok) return;
      const text = r.value;
      const back = JSON.parse(text) as unknown;
      if (!isDeepStrictEqual(back, JSON.parse(JSON.stringify(value))))
        fail("round trip changed the value");
      if (canonicalize(back) !== text) fail("canonicalize is not idempotent");
      if (text !== reference(value)) fail("differs from the reference serialisation");
      if (back === null || typeof back !== "object" || Array.isArray(back)) return;
      const bytes = new TextEncoder().encode(text);
      const parsed = await acceptedOrRefused(() => parseCanonicalObject(bytes));
      if (!parsed.ok) fail(`canonical bytes refused: ${parsed.code}`);
      const other = JSON.stringify(back, null, indent);
      if (other !== text) {
        const again = await acceptedOrRefused(() =>
          parseCanonicalObject(new TextEncoder().encode(other)),
        );
        if (again.ok) fail("a non-canonical spelling was accepted");
        if (again.code !== "envelope.non-canonical" && again.code !== "envelope.payload-not-json")
          fail(`non-canonical spelling refused as ${again.code}`);
      }
    },
    close: () => Promise.resolve(),
  });
}

/**
 * A second, independent RFC 8785 serialiser for inputs of bounded depth: members sorted by
 * UTF-16 code units, ECMAScript number and string serialisation, no whitespace.
 */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
}
