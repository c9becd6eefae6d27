import { buildOpenApi, schemaDocuments } from "@frx/spec";

let cached: { url: string; doc: Record<string, unknown> } | undefined;

/**
 * The OpenAPI 3.1 document this node serves at /openapi.json: the one `npm run generate`
 * writes to spec/openapi.json (built by @frx/spec from the schemas, every `$ref` inside it),
 * with this node's public URL as its server.
 */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  if (cached?.url !== serverUrl)
    cached = { url: serverUrl, doc: buildOpenApi(schemaDocuments, serverUrl) };
  return cached.doc;
}
