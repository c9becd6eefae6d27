import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const SCHEMA_BASE = "https://spec.frx.example/v1/schemas/";
export const DRAFT = "https://json-schema.org/draft/2020-12/schema";

export type Schema = { [key: string]: unknown };

export interface SchemaFile {
  /** Path below schemas/, with forward slashes, e.g. "messages/referral.create.json". */
  path: string;
  id: string;
  schema: Schema;
}

/** Reads every schema below `root`, sorted by path, and checks the file-level conventions. */
export function loadSchemas(root: string): SchemaFile[] {
  const files = walk(root)
    .filter((file) => file.endsWith(".json"))
    .map((file) => relative(root, file).split(sep).join("/"))
    .sort();
  return files.map((path) => {
    const schema = JSON.parse(readFileSync(join(root, path), "utf8")) as Schema;
    const id = SCHEMA_BASE + path;
    if (schema.$id !== id) throw new Error(`${path}: $id must be ${id}, is ${String(schema.$id)}`);
    if (schema.$schema !== DRAFT) throw new Error(`${path}: $schema must be ${DRAFT}`);
    if (typeof schema.title !== "string") throw new Error(`${path}: a title is required`);
    return { path, id, schema };
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Resolves `$ref` against the schema set: returns the target schema and where it lives. */
export class Resolver {
  private readonly byId = new Map<string, SchemaFile>();

  constructor(readonly files: SchemaFile[]) {
    for (const file of files) this.byId.set(file.id, file);
  }

  resolve(ref: string, baseId: string): { schema: Schema; file: SchemaFile; pointer: string } {
    const url = new URL(ref, baseId);
    const fileId = url.href.replace(/#.*$/, "");
    const file = this.byId.get(fileId);
    if (!file) throw new Error(`unresolved $ref ${ref} from ${baseId}`);
    const pointer = decodeURIComponent(url.hash.replace(/^#/, ""));
    let target: unknown = file.schema;
    for (const token of pointer.split("/").slice(1)) {
      target = (target as Schema | undefined)?.[token.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    if (target === undefined || typeof target !== "object") {
      throw new Error(`$ref ${ref} from ${baseId} points at nothing`);
    }
    return { schema: target as Schema, file, pointer };
  }
}
