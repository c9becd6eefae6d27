import { FrxError } from "../errors.js";

/**
 * RFC 8785 (JCS) canonical JSON. ECMAScript's own number and string serialization are the
 * ones JCS specifies, so the work left is key order (UTF-16 code units) and refusing values
 * that I-JSON forbids.
 *
 * We keep this small module rather than the `canonicalize` package because the package's
 * maintained releases need Node 22; this one is tested against the RFC's own vectors.
 *
 * @example canonicalize({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalize(value: unknown): string {
  switch (typeof value) {
    case "string":
      assertWellFormed(value);
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new FrxError("envelope.payload-not-json", "JCS cannot represent NaN or Infinity");
      }
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(",")}]`;
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new FrxError("envelope.payload-not-json", `JCS cannot represent a ${typeof value}`);
  }
}

function canonicalObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object).filter((key) => object[key] !== undefined);
  // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
  keys.sort();
  const members = keys.map((key) => {
    assertWellFormed(key);
    return `${JSON.stringify(key)}:${canonicalize(object[key])}`;
  });
  return `{${members.join(",")}}`;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertWellFormed(text: string): void {
  if (loneSurrogate.test(text)) {
    throw new FrxError("envelope.payload-not-json", "string holds a lone surrogate (not I-JSON)");
  }
}
