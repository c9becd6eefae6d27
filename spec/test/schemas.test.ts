import { Ajv2020 } from "ajv/dist/2020.js";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schemaDocuments } from "../src/generated/schemas.js";
import { isFrxError } from "../src/errors.js";
import { validateMessage } from "../src/validate/validator.js";
import { vectorDir } from "./vector-files.js";

/** The keywords spec/schemas/README.md allows: plain draft 2020-12 plus FRX's declared annotations. */
const ALLOWED = new Set(
  (
    "$schema $id $ref $defs title description examples type properties required additionalProperties items enum const oneOf anyOf allOf " +
    "pattern format minLength maxLength minimum maximum minItems maxItems uniqueItems x-frx-sensitivity x-frx-actions x-frx-referral x-frx-case x-frx-sender"
  ).split(" "),
);
/** Members whose values are maps of names to schemas (or plain data), not schemas themselves. */
const MAPS = new Set(["properties", "$defs"]);
const DATA = new Set([
  "enum",
  "const",
  "examples",
  "required",
  "x-frx-sensitivity",
  "x-frx-actions",
]);

function walkKeywords(schema: unknown, path: string, out: string[]): void {
  if (Array.isArray(schema)) return schema.forEach((s, i) => walkKeywords(s, `${path}/${i}`, out));
  if (typeof schema !== "object" || schema === null) return;
  for (const [key, value] of Object.entries(schema)) {
    if (!ALLOWED.has(key)) out.push(`${path}/${key}`);
    if (DATA.has(key)) continue;
    if (MAPS.has(key))
      for (const [name, sub] of Object.entries(value as object))
        walkKeywords(sub, `${path}/${key}/${name}`, out);
    else walkKeywords(value, `${path}/${key}`, out);
  }
}

describe("schemas are plain draft 2020-12", () => {
  it("use only the keywords the conventions allow", () => {
    const unknown: string[] = [];
    for (const doc of schemaDocuments)
      if (!String(doc.$id).endsWith("meta/annotations.json"))
        walkKeywords(doc, String(doc.$id), unknown);
    expect(unknown).toEqual([]);
  });

  it("are each valid against the draft 2020-12 meta-schema, checked by a validator with no FRX setup", () => {
    const plain = new Ajv2020({ strict: false, validateFormats: false });
    for (const doc of schemaDocuments) {
      expect(plain.validateSchema(doc), `${String(doc.$id)}: ${plain.errorsText()}`).toBe(true);
    }
  });

  it("carry FRX annotations whose values match meta/annotations.json", () => {
    const meta = schemaDocuments.find((d) => String(d.$id).endsWith("meta/annotations.json"))!;
    const ajv = new Ajv2020({ strict: false, schemas: schemaDocuments.filter((d) => d !== meta) });
    const check = ajv.compile(meta);
    const bad: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}/${i}`));
      if (typeof node !== "object" || node === null) return;
      if (Object.keys(node).some((k) => k.startsWith("x-frx-")) && !check(node))
        bad.push(`${path}: ${ajv.errorsText(check.errors)}`);
      for (const [k, v] of Object.entries(node)) if (!DATA.has(k)) visit(v, `${path}/${k}`);
    };
    // The meta-schema describes the keywords (its properties are named after them); it does not use them.
    for (const doc of schemaDocuments) if (doc !== meta) visit(doc, String(doc.$id));
    expect(bad).toEqual([]);
  });

  it("have one file per schema document in spec/schemas, every one bundled", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith(".json")) files.push(full);
      }
    };
    walk(join(vectorDir, "..", "schemas"));
    expect(files.length).toBe(schemaDocuments.length);
    for (const f of files)
      expect(schemaDocuments).toContainEqual(JSON.parse(readFileSync(f, "utf8")));
  });
});

describe("validateMessage beyond the schema", () => {
  const fixture = (type: string) =>
    JSON.parse(
      readFileSync(join(vectorDir, "..", "fixtures", "messages", `${type}-ok.json`), "utf8"),
    ) as Record<string, unknown>;
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return "valid";
    } catch (e) {
      return isFrxError(e)
        ? `${e.code} ${e.violations.map((v) => v.pointer).join(",")}`
        : String(e);
    }
  };

  it("refuses a case id on a message that is not about a case", () => {
    expect(
      codeOf(() =>
        validateMessage({ ...fixture("stats.report"), case: "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0" }),
      ),
    ).toBe("schema.invalid /case");
  });

  it("names the pointer of an unknown member and of a missing one", () => {
    const env = fixture("referral.accept");
    delete env.referral;
    expect(codeOf(() => validateMessage({ ...env, passport: "x" }))).toMatch(
      /^schema\.invalid .*\/passport/,
    );
    expect(codeOf(() => validateMessage(env))).toMatch(/^schema\.invalid .*\/referral/);
  });
});
