import { codeListOf } from "./codes.js";
import type { Resolver, Schema, SchemaFile } from "./load.js";

/**
 * Renders TypeScript type aliases from the schema set. Every file root and every `$defs`
 * entry with a `title` becomes a named, exported type; `$ref`s to them become references;
 * everything else is inlined. Only the keywords our schemas use are understood; anything
 * else that would change a type is an error, so the generator never guesses.
 */
export class TypeRenderer {
  private readonly named = new Map<string, string>(); // title -> rendered body
  private readonly nameOf = new Map<Schema, string>();
  private readonly queue: Array<{ name: string; schema: Schema; baseId: string; doc?: string }> =
    [];

  constructor(private readonly resolver: Resolver) {}

  /** Registers every titled file root and `$defs` entry as a named type. */
  registerAll(files: SchemaFile[]): void {
    for (const file of files) {
      this.register(file.schema.title as string, file.schema, file.id);
      const defs = (file.schema.$defs ?? {}) as Record<string, Schema>;
      for (const def of Object.values(defs)) {
        if (typeof def.title === "string") this.register(def.title, def, file.id);
      }
    }
  }

  private register(name: string, schema: Schema, baseId: string): void {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name))
      throw new Error(`title "${name}" is not a PascalCase name`);
    const existing = this.nameOf.get(schema);
    if (existing) return;
    if ([...this.nameOf.values()].includes(name)) throw new Error(`two schemas are titled ${name}`);
    this.nameOf.set(schema, name);
    const doc = typeof schema.description === "string" ? schema.description : undefined;
    this.queue.push({ name, schema, baseId, ...(doc ? { doc } : {}) });
  }

  render(): string {
    const out: string[] = [];
    for (let i = 0; i < this.queue.length; i++) {
      const { name, schema, baseId, doc } = this.queue[i]!;
      if (codeListOf(schema) && schema.$id) continue; // code lists are rendered as const arrays
      if (doc) out.push(`/** ${doc.replace(/\*\//g, "*\\/")} */`);
      out.push(`export type ${name} = ${this.typeOf(schema, baseId, true)};`, "");
      this.named.set(name, name);
    }
    return out.join("\n");
  }

  /** The TypeScript type of `schema`; `root` is true when rendering a named type's own body. */
  typeOf(schema: Schema, baseId: string, root = false): string {
    if (!root) {
      const name = this.nameOf.get(schema);
      // Code-list files are rendered as const arrays in codes.ts, imported here as C.
      if (name) return codeListOf(schema) && schema.$id ? `C.${name}` : name;
    }
    if (typeof schema.$ref === "string") {
      const target = this.resolver.resolve(schema.$ref, baseId);
      const own = this.objectPart(schema, baseId);
      const ref = this.typeOf(target.schema, target.file.id);
      return own ? `${ref} & ${own}` : ref;
    }
    if ("const" in schema) return JSON.stringify(schema.const);
    const codes = codeListOf(schema);
    if (codes) return codes.values.map((v) => JSON.stringify(v)).join(" | ");

    const parts: string[] = [];
    for (const branch of (schema.allOf ?? []) as Schema[]) {
      const t = this.typeOfConstraint(branch, baseId);
      if (t) parts.push(t);
    }
    for (const key of ["oneOf", "anyOf"] as const) {
      const branches = ((schema[key] ?? []) as Schema[])
        .map((b) => this.typeOfConstraint(b, baseId))
        .filter((t): t is string => t !== null);
      if (branches.length > 0) parts.push(`(${branches.join(" | ")})`);
    }
    const own = this.ownType(schema, baseId);
    if (own) parts.push(own);
    if (parts.length === 0) return "unknown";
    return parts.join(" & ");
  }

  /** A branch that only adds `required` constraints narrows nothing we can type. */
  private typeOfConstraint(schema: Schema, baseId: string): string | null {
    const keys = Object.keys(schema).filter(
      (k) => !["required", "description", "title"].includes(k),
    );
    if (keys.length === 0) return null;
    return this.typeOf(schema, baseId);
  }

  private ownType(schema: Schema, baseId: string): string | null {
    const type = schema.type;
    if (Array.isArray(type)) throw new Error(`type arrays are not used in FRX schemas (${baseId})`);
    if (type === undefined) return this.objectPart(schema, baseId);
    switch (type) {
      case "string":
        return "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      case "null":
        return "null";
      case "array": {
        const items = (schema.items ?? {}) as Schema;
        const item = this.typeOf(items, baseId);
        return /^[A-Za-z0-9_]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
      }
      case "object":
        return this.objectPart(schema, baseId) ?? "Record<string, unknown>";
      default:
        throw new Error(`unknown type ${String(type)} in ${baseId}`);
    }
  }

  /** The `{ … }` literal for `properties` and `required`, or null when there are none. */
  private objectPart(schema: Schema, baseId: string): string | null {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    const names = Object.keys(props);
    const extraRequired = [...required].filter((r) => !(r in props));
    if (names.length === 0 && extraRequired.length === 0) return null;
    const lines = names.map((prop) => {
      const p = props[prop]!;
      const doc =
        typeof p.description === "string"
          ? `  /** ${p.description.replace(/\*\//g, "*\\/")} */\n`
          : "";
      const opt = required.has(prop) ? "" : "?";
      return `${doc}  ${safeKey(prop)}${opt}: ${this.typeOf(p, baseId)};`;
    });
    // `required` naming members declared elsewhere (e.g. by the envelope under allOf) makes them non-optional.
    for (const prop of extraRequired) lines.push(`  ${safeKey(prop)}: NonNullable<unknown>;`);
    return `{\n${lines.join("\n")}\n}`;
  }
}

function safeKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}
