import { bundleSchemas, type SchemaDocument } from "./bundle.js";
import { agency } from "./parts.js";
import { agencyPaths } from "./paths-agency.js";
import { federationPaths } from "./paths-federation.js";
import { publicPaths } from "./paths-public.js";

/**
 * The OpenAPI 3.1 document of a node's agency, public and federation APIs, built from the
 * schema documents alone (spec/agency-api.md, federation.md). `npm run generate` writes it to
 * spec/openapi.json; a node serves it at /openapi.json with its own URL as the server. Every
 * `$ref` points inside the document (bundle.ts), so any OpenAPI 3.1 tool can read it offline.
 */
export function buildOpenApi(
  documents: readonly SchemaDocument[],
  serverUrl = "https://node.example",
): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "FRX national node: agency, public and federation APIs",
      version: "1.0",
      description:
        "Generated from spec/schemas by `npm run generate`; the prose rules are in spec/agency-api.md, spec/envelope.md and spec/federation.md. Envelopes travel as JWS compact serializations (application/jose) whose payload is one of the message schemas (components `messages.*`). Every refusal is application/problem+json with a stable `code`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: serverUrl }],
    security: agency,
    tags: [
      { name: "agency", description: "Routes an agency system calls with an agency token." },
      { name: "public", description: "Signed public documents and operations; no token." },
      {
        name: "federation",
        description: "Routes peer nodes call; the bodies authenticate themselves.",
      },
    ],
    paths: {
      ...agencyPaths,
      ...publicPaths,
      ...federationPaths,
    },
    components: {
      schemas: bundleSchemas(documents),
      securitySchemes: {
        agencyToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat:
            "JWT: typ frx-agency+jwt, alg Ed25519; header api.agency-token/$defs/header, claims api.agency-token/$defs/claims (spec/agency-api.md)",
        },
        metricsToken: { type: "http", scheme: "bearer", description: "The node's metrics token." },
      },
    },
  };
}
