import type { Resolver, Schema } from "./load.js";

export interface SensitivePath {
  /** Property names from the envelope root; "*" stands for any array index. */
  path: string[];
  tags: string[];
}

/**
 * Every place in a message where an `x-frx-sensitivity` annotation applies, found by walking
 * the message schema through `$ref`, `allOf`, `oneOf`, `anyOf`, `properties` and `items`.
 * The policy matches instance pointers against these paths, so it reads exactly what the
 * schemas declare and nothing hand-written.
 */
export function sensitivePaths(root: Schema, rootId: string, resolver: Resolver): SensitivePath[] {
  const found = new Map<string, SensitivePath>();
  const visit = (schema: Schema, baseId: string, path: string[], stack: Schema[]): void => {
    if (stack.includes(schema))
      throw new Error(`recursive schema at /${path.join("/")} in ${rootId}`);
    const next = [...stack, schema];
    const tags = schema["x-frx-sensitivity"];
    if (Array.isArray(tags) && tags.length > 0) {
      const key = path.join("/");
      const entry = found.get(key) ?? { path, tags: [] };
      entry.tags = [...new Set([...entry.tags, ...(tags as string[])])].sort();
      found.set(key, entry);
    }
    if (typeof schema.$ref === "string") {
      const target = resolver.resolve(schema.$ref, baseId);
      visit(target.schema, target.file.id, path, next);
    }
    for (const key of ["allOf", "oneOf", "anyOf"] as const) {
      for (const branch of (schema[key] ?? []) as Schema[]) visit(branch, baseId, path, next);
    }
    for (const [name, prop] of Object.entries(
      (schema.properties ?? {}) as Record<string, Schema>,
    )) {
      visit(prop, baseId, [...path, name], next);
    }
    if (schema.items && typeof schema.items === "object") {
      visit(schema.items as Schema, baseId, [...path, "*"], next);
    }
  };
  visit(root, rootId, [], []);
  return [...found.values()].sort((a, b) => a.path.join("/").localeCompare(b.path.join("/")));
}
