import * as fc from "fast-check";
import type { Json } from "./seeds.js";

/** Strings that have broken parsers before: leap seconds, far dates, lone surrogates, NUL, huge. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  "2026-12-31T23:59:60Z",
  "2026-03-02T09:00:00.123456789Z",
  "9999-12-31T23:59:59Z",
  "0000-01-01T00:00:00Z",
  "2026-02-30T00:00:00Z",
  "2026-03-02T09:00:00+14:00",
  "NaN",
  "-0",
  "\u0000",
  "\ud800",
  "\u202e",
  "TH:IMB",
  "LA:MOLSW",
  "TH:NODE",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "__proto__",
  "x".repeat(70_000),
];

export const NASTY_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  0.5,
  1e20,
  -1e20,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  5e-324,
  300,
  301,
];

const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.constantFrom(...NASTY_NUMBERS),
  fc.constantFrom<Json>(null, true, false, [], {}, [[[[]]]], JSON.parse('{"__proto__":1}') as Json),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as Json),
  // Deep nesting, far past the spec's bound, built without recursion.
  fc.integer({ min: 60, max: 400 }).map((n) => JSON.parse("[".repeat(n) + "]".repeat(n)) as Json),
);

type JsonOp =
  | { kind: "set"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "add"; at: number; key: string; value: Json }
  | { kind: "dup"; at: number };

const jsonOp: fc.Arbitrary<JsonOp> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: nastyValue }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("add" as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom("__proto__", "constructor", "x-frx"),
    ),
    value: nastyValue,
  }),
  fc.record({ kind: fc.constant("dup" as const), at: fc.nat() }),
);

/**
 * A seed with up to four structural mutations applied at random places (set a value, delete a
 * member, add a member, duplicate an array item). No mutation at all is one of the outcomes,
 * so the unmutated seed is examined too.
 */
export function mutateJson(seed: Json): fc.Arbitrary<Json> {
  return (
    fc
      .array(jsonOp, { maxLength: 4 })
      .map((ops) => ops.reduce<Json>((value, op) => applyOp(value, op), structuredClone(seed)))
      // Through JSON, as every input arrives (fast-check may build objects without a prototype).
      .map((v) => JSON.parse(JSON.stringify(v)) as Json)
  );
}

function applyOp(root: Json, given: JsonOp): Json {
  // Constants are shared instances: a mutation must never write into one, nor make a cycle.
  const op = "value" in given ? { ...given, value: structuredClone(given.value) } : given;
  const slots = containers(root);
  const target = slots[op.at % slots.length];
  if (!target) return root;
  if (Array.isArray(target)) {
    if (op.kind === "add" || (op.kind === "dup" && target.length === 0)) {
      target.push("value" in op ? op.value : null);
      return root;
    }
    if (target.length === 0) return root;
    const i = op.at % target.length;
    if (op.kind === "set") target[i] = op.value;
    else if (op.kind === "delete") target.splice(i, 1);
    else target.push(structuredClone(target[i]!));
    return root;
  }
  const keys = Object.keys(target);
  if (op.kind === "add") {
    Object.defineProperty(target, op.key, {
      value: op.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return root;
  }
  if (keys.length === 0) return root;
  const key = keys[op.at % keys.length]!;
  if (op.kind === "set") target[key] = op.value;
  else if (op.kind === "delete") delete target[key];
  return root;
}

/** Every object and array in a value, breadth first, without recursion on the call stack. */
function containers(root: Json): Array<Json[] | { [k: string]: Json }> {
  const out: Array<Json[] | { [k: string]: Json }> = [];
  const queue: Json[] = [root];
  while (queue.length > 0 && out.length < 10_000) {
    const v = queue.shift()!;
    if (v === null || typeof v !== "object") continue;
    out.push(v);
    queue.push(...(Array.isArray(v) ? v : Object.values(v)));
  }
  return out;
}

type StrOp =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; len: number }
  | { kind: "truncate"; at: number };

const strOp: fc.Arbitrary<StrOp> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 6 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(".", "=", "..", "\n", " ", "+/", "%"),
    ),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

/** A string (a JWS, a JWE) with one to four byte-level edits: bit flips, insertions, deletions, cuts. */
export function mutateString(seed: string): fc.Arbitrary<string> {
  return fc.array(strOp, { minLength: 1, maxLength: 4 }).map((ops) =>
    ops.reduce((s, op) => {
      const at = s.length === 0 ? 0 : op.at % (s.length + 1);
      switch (op.kind) {
        case "flip": {
          if (s.length === 0) return s;
          const i = at % s.length;
          return (
            s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << op.bit)) + s.slice(i + 1)
          );
        }
        case "insert":
          return s.slice(0, at) + op.text + s.slice(at);
        case "delete":
          return s.slice(0, at) + s.slice(at + op.len);
        case "truncate":
          return s.slice(0, at);
      }
    }, seed),
  );
}
