import * as fc from "fast-check";
import { schemaDocuments } from "@frx/spec";

type Schema = Record<string, unknown>;
interface At {
  schema: Schema;
  base: string;
}

// Every $ref made absolute once, so schemas merged from other documents keep their meaning.
const documents = new Map<string, Schema>(
  schemaDocuments.map((d) => [
    String(d.$id),
    absolute(structuredClone(d), String(d.$id)) as Schema,
  ]),
);

function absolute(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((v) => absolute(v, base));
  if (value === null || typeof value !== "object") return value;
  const out: Schema = {};
  for (const [k, v] of Object.entries(value))
    out[k] = k === "$ref" && typeof v === "string" ? new URL(v, base).href : absolute(v, base);
  return out;
}
const MAX_DEPTH = 7;
const MAX_ITEMS = 3;

/**
 * A fast-check arbitrary for documents that a JSON Schema (one of the spec's, by `$id`)
 * describes: it follows `$ref` across documents, merges `allOf`, picks among `oneOf`/`anyOf`,
 * and honours const, enum, required, patterns, lengths and bounds, so most values it yields
 * are valid and the rest are near misses. Past a fixed depth, optional members are left out.
 *
 * @example fc.sample(arbitraryFor("https://spec.frx.example/v1/schemas/messages/case.notify.json"), 1)
 */
export function arbitraryFor(id: string): fc.Arbitrary<unknown> {
  const schema = documents.get(id);
  if (!schema) throw new TypeError(`no schema ${id}`);
  // Through JSON, as every input arrives: plain objects, no undefined members.
  return gen({ schema, base: id }, 0).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
}

function resolve(ref: string, base: string): At {
  const url = new URL(ref, base);
  const docId = `${url.origin}${url.pathname}`;
  let schema = documents.get(docId);
  if (!schema) throw new TypeError(`unresolved $ref ${ref} from ${base}`);
  for (const token of url.hash.replace(/^#\/?/, "").split("/").filter(Boolean))
    schema = schema[decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~")] as Schema;
  return { schema, base: docId };
}

/** The schema with its $ref and allOf parts folded in (properties and required merged). */
function flatten(at: At, depth = 0): At {
  let { schema } = at;
  const { base } = at;
  if (depth > 20) return at;
  if (typeof schema.$ref === "string") {
    const target = flatten(resolve(schema.$ref, base), depth + 1);
    const { $ref: _ignored, ...rest } = schema;
    schema = merge(target.schema, rest);
    return { schema, base: Object.keys(rest).length > 0 ? base : target.base };
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    let merged: Schema = {};
    for (const part of allOf as Schema[])
      merged = merge(merged, flatten({ schema: part, base }, depth + 1).schema);
    return { schema: merge(merged, rest), base };
  }
  return at;
}

function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a, ...b };
  if (a.properties || b.properties)
    out.properties = { ...(a.properties as Schema), ...(b.properties as Schema) };
  if (a.required || b.required)
    out.required = [
      ...new Set([...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])]),
    ];
  return out;
}

const memo = new WeakMap<Schema, Map<number, fc.Arbitrary<unknown>>>();

/** gen, remembered per schema object and depth: the lazy members below ask again at every draw. */
function gen(at: At, depth: number): fc.Arbitrary<unknown> {
  let byDepth = memo.get(at.schema);
  if (!byDepth) memo.set(at.schema, (byDepth = new Map()));
  let arb = byDepth.get(depth);
  if (!arb) byDepth.set(depth, (arb = build(at, depth)));
  return arb;
}

function build(at: At, depth: number): fc.Arbitrary<unknown> {
  const { schema, base } = flatten(at);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const choices = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (choices) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    return fc.oneof(...choices.map((c) => gen({ schema: merge(rest, c), base }, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "object" || (type === undefined && schema.properties))
    return object(schema, base, depth);
  if (type === "array") {
    const items = (schema.items as Schema | undefined) ?? {};
    const min = (schema.minItems as number | undefined) ?? 0;
    const max = Math.max(
      min,
      Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, MAX_ITEMS),
    );
    if (depth > MAX_DEPTH && min === 0) return fc.constant([]);
    const item = gen({ schema: items, base }, depth + 1);
    return schema.uniqueItems === true
      ? fc.uniqueArray(item, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) })
      : fc.array(item, { minLength: min, maxLength: max });
  }
  if (type === "string") return string(schema);
  if (type === "integer")
    return fc.integer({
      min: (schema.minimum as number | undefined) ?? -1000,
      max: (schema.maximum as number | undefined) ?? 1_000_000,
    });
  if (type === "number")
    return fc.double({
      min: (schema.minimum as number | undefined) ?? -1e6,
      max: (schema.maximum as number | undefined) ?? 1e9,
      noNaN: true,
    });
  if (type === "boolean") return fc.boolean();
  if (type === "null") return fc.constant(null);
  return fc.jsonValue({ maxDepth: 1 });
}

function object(schema: Schema, base: string, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(properties)) {
    if (!required.has(key) && depth > MAX_DEPTH) continue;
    model[key] = fc.constant(null).chain(() => gen({ schema: sub, base }, depth + 1));
  }
  // A required member the schema does not describe still gets a value, so the near miss is small.
  for (const key of required) model[key] ??= fc.string({ maxLength: 8 });
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
}

function string(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 64, 200);
  if (schema.format === "date-time" || schema.format === "date") {
    const day = schema.format === "date";
    return fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) =>
      new Date(ms)
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z")
        .slice(0, day ? 10 : undefined),
    );
  }
  if (typeof schema.pattern === "string") {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern, "u"))
        .filter((s) => s.length <= maxLength);
    } catch {
      return fc.string({ maxLength });
    }
  }
  return fc.string({ minLength: (schema.minLength as number | undefined) ?? 0, maxLength });
}
