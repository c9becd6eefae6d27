/**
 * Bundles FRX's schema documents into OpenAPI `components.schemas` so that every `$ref`
 * resolves inside the one document: each file becomes a component named after its path
 * (`api/submit-reply.json` → `api.submit-reply`), loses its `$id` and `$schema`, and every
 * `$ref` in it, relative or local, is rewritten to `#/components/schemas/<name><pointer>`.
 */

export const SCHEMA_BASE = "https://spec.frx.example/v1/schemas/";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type SchemaDocument = Readonly<Record<string, unknown>>;

/** The component name of a schema file: its path below schemas/, `/` as `.`, without `.json`. */
export function componentName(schemaId: string): string {
  if (!schemaId.startsWith(SCHEMA_BASE)) throw new Error(`not an FRX schema id: ${schemaId}`);
  return schemaId
    .slice(SCHEMA_BASE.length)
    .replace(/\.json$/, "")
    .replace(/\//g, ".");
}

/** A `$ref` to the component for `schemaId` (with an optional `#/...` pointer inside it). */
export function componentRef(schemaId: string, pointer = ""): { $ref: string } {
  return { $ref: `#/components/schemas/${componentName(schemaId)}${pointer}` };
}

/** Every schema document as a component, its `$ref`s rewritten to point inside the bundle. */
export function bundleSchemas(documents: readonly SchemaDocument[]): Record<string, Json> {
  const ids = new Set(documents.map((d) => String(d.$id)));
  const out: Record<string, Json> = {};
  for (const doc of documents) {
    const id = String(doc.$id);
    const { $id: _id, $schema: _schema, ...rest } = doc;
    out[componentName(id)] = rewrite(rest as Json, id, ids);
  }
  return out;
}

function rewrite(node: Json, baseId: string, ids: ReadonlySet<string>): Json {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, baseId, ids));
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") {
      const url = new URL(value, baseId);
      const file = url.href.replace(/#.*$/, "");
      if (!ids.has(file)) throw new Error(`unresolved $ref ${value} in ${baseId}`);
      out[key] = componentRef(file, url.hash.replace(/^#/, "")).$ref;
    } else if (key === "enum" || key === "const" || key === "examples") {
      // Data, not schemas: copied as is.
      out[key] = value;
    } else {
      out[key] = rewrite(value, baseId, ids);
    }
  }
  return out;
}
