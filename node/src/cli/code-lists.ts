import { schemaDocuments } from "@frx/spec";

/**
 * The values of a spec code list, read from its schema (`codes/<name>.json`). The node's
 * registration checks roles and message types but not org types or powers, so the CLI
 * checks those here before they reach the directory.
 *
 * @example codeList("org-type") // ["NGO", "LawEnforcement", …]
 */
export function codeList(name: string): string[] {
  const id = `https://spec.frx.example/v1/schemas/codes/${name}.json`;
  const schema = schemaDocuments.find((s) => s.$id === id);
  if (!schema) throw new TypeError(`no code list ${name} in the spec`);
  const branches = (schema.oneOf ?? []) as Array<{ const?: unknown }>;
  const enumValues = (schema.enum ?? []) as unknown[];
  return [...branches.map((b) => b.const), ...enumValues].filter(
    (v): v is string => typeof v === "string",
  );
}
