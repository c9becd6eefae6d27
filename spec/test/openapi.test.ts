import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "../src/openapi/document.js";
import { schemaDocuments } from "../src/generated/schemas.js";

/** spec/openapi.json as `npm run generate` wrote it (generate:check keeps it fresh). */
const file = join(dirname(fileURLToPath(import.meta.url)), "..", "openapi.json");
type Response = { content?: Record<string, { schema?: unknown }> };
type Operation = { responses: Record<string, Response> };
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
};
const doc = JSON.parse(readFileSync(file, "utf8")) as OpenApi;

/** Every `$ref` in a JSON value, with where it sits. */
function refs(node: unknown, at = ""): Array<{ at: string; ref: string }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === "$ref" && typeof v === "string" ? [{ at, ref: v }] : refs(v, `${at}/${k}`),
  );
}

function resolvePointer(root: unknown, pointer: string): unknown {
  let target = root;
  for (const token of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    target = (target as Record<string, unknown> | undefined)?.[key];
  }
  return target;
}

describe("spec/openapi.json", () => {
  it("is what the builder makes from the schemas (the generated copy is current)", () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApi(schemaDocuments))));
  });

  it("validates as OpenAPI 3.1 with an independent validator (@seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("is self-contained: every $ref is local and resolves inside the document", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(100);
    const external = all.filter((r) => !r.ref.startsWith("#/"));
    expect(external).toEqual([]);
    const dangling = all.filter((r) => {
      const target = resolvePointer(doc, r.ref.slice(1));
      return typeof target !== "object" || target === null;
    });
    expect(dangling).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain("spec.frx.example");
  });

  it("names a schema for every request and response body, and problem+json for every refusal", () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === "parameters") continue;
        for (const [status, res] of Object.entries(op.responses)) {
          const content = res.content;
          if (!content) missing.push(`${method} ${path} ${status}: no content`);
          else if (Object.values(content).some((c) => !c.schema))
            missing.push(`${method} ${path} ${status}: no schema`);
          if (Number(status) >= 400 && !content?.["application/problem+json"] && path !== "/readyz")
            missing.push(`${method} ${path} ${status}: not problem+json`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("covers every agency, public and federation route", () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/.well-known/frx-node",
        "/federation/v1/attachments/{sha256}",
        "/federation/v1/directory",
        "/federation/v1/erasure-notices",
        "/federation/v1/registry",
        "/federation/v1/transactions/{txnId}",
        "/federation/v1/wake",
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/readyz",
        "/v1/attachments/{sha256}",
        "/v1/cases/{case}",
        "/v1/directories/{node}",
        "/v1/directory",
        "/v1/envelopes",
        "/v1/inbox",
        "/v1/inbox/ack",
        "/v1/registry",
        "/v1/registry/lookup",
        "/v1/trust-list",
      ].sort(),
    );
  });

  it("keeps the schemas' meaning: a bundled component validates what its source schema does", () => {
    // Compile the bundled components on their own (no FRX $ids) and check a real document.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: "https://bundle.invalid/openapi", components: doc.components });
    const inboxPage = ajv.getSchema(
      "https://bundle.invalid/openapi#/components/schemas/api.inbox-page",
    )!;
    const jws = "eyJhbGciOiJFZERTQSJ9.e30.c2ln";
    const good = {
      items: [
        {
          cursor: 3,
          messageId: "01J0000000000000000000000A",
          receivedAt: "2026-03-02T09:00:00Z",
          jws,
        },
      ],
      next: 3,
    };
    expect(inboxPage(good)).toBe(true);
    expect(inboxPage({ ...good, next: -1 })).toBe(false);
    expect(inboxPage({ ...good, extra: 1 })).toBe(false);
    expect(
      inboxPage({
        ...good,
        items: [{ ...good.items[0], messageId: "81J0000000000000000000000A" }],
      }),
    ).toBe(false);
  });
});
