import type { Schema, SchemaFile } from "./load.js";

export interface CodeList {
  name: string;
  values: string[];
  descriptions: Record<string, string>;
}

/** A code list is a string schema whose values are an `enum` or a `oneOf` of `const`s. */
export function codeListOf(
  schema: Schema,
): { values: string[]; descriptions: Record<string, string> } | null {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) {
    return { values: schema.enum as string[], descriptions: {} };
  }
  const branches = schema.oneOf;
  if (Array.isArray(branches) && branches.length > 0 && branches.every(isConstBranch)) {
    const values = branches.map((b) => (b as Schema).const as string);
    const descriptions: Record<string, string> = {};
    for (const b of branches as Schema[]) {
      if (typeof b.description === "string") descriptions[b.const as string] = b.description;
    }
    return { values, descriptions };
  }
  return null;
}

function isConstBranch(branch: unknown): boolean {
  return (
    typeof branch === "object" && branch !== null && typeof (branch as Schema).const === "string"
  );
}

export function collectCodeLists(files: SchemaFile[]): CodeList[] {
  return files
    .filter((file) => file.path.startsWith("codes/"))
    .flatMap((file) => {
      const list = codeListOf(file.schema);
      return list ? [{ name: file.schema.title as string, ...list }] : [];
    });
}

/** `referral.create` → `ReferralCreate`; `referral.transfer-accept` → `ReferralTransferAccept`. */
export function pascal(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

export function camel(value: string): string {
  const p = pascal(value);
  return p[0]!.toLowerCase() + p.slice(1);
}

export function renderCodeLists(lists: CodeList[]): string {
  const out: string[] = [];
  for (const list of lists) {
    const plural = camel(list.name) + "Values";
    out.push(`/** ${list.name} code list (schemas/codes). */`);
    out.push(`export const ${plural} = ${JSON.stringify(list.values)} as const;`);
    out.push(`export type ${list.name} = (typeof ${plural})[number];`);
    if (Object.keys(list.descriptions).length > 0) {
      out.push(
        `export const ${camel(list.name)}Descriptions: Readonly<Record<${list.name}, string>> = ${JSON.stringify(list.descriptions, null, 2)};`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

/** The message-type constants: the only place a message-type string is written. */
export function renderMessageTypeConstants(types: string[]): string {
  const members = types.map((t) => `  ${pascal(t)}: ${JSON.stringify(t)},`).join("\n");
  return [
    '/** Every message type, by name: `MessageType.ReferralCreate === "referral.create"`. */',
    `export const MessageType = {\n${members}\n} as const;`,
    "",
  ].join("\n");
}
