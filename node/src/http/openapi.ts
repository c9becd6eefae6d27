import { messageMeta, messageTypeValues, schemaDocuments } from "@frx/spec";

const ID = "https://spec.frx.example/v1/schemas/";

/**
 * OpenAPI 3.1, generated from the spec's schemas at request time: every schema document is
 * a component with its own `$id` (3.1 is JSON Schema 2020-12, so `$ref`s between them
 * resolve as they do in the spec), and routes point at them.
 */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const doc of schemaDocuments) schemas[String(doc.title)] = doc;
  const ref = (path: string) => ({ $ref: `${ID}${path}` });
  const problem = {
    description: "RFC 9457 problem",
    content: { "application/problem+json": { schema: ref("documents/problem.json") } },
  };
  const bearer = [{ agencyToken: [] }];
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "FRX national node API",
      version: "1",
      description:
        "Agency API of an FRX node. Envelopes are signed JWS (application/jose) whose payload is one of the message schemas: " +
        messageTypeValues.map((t) => `${t} (${messageMeta[t].schemaId})`).join(", "),
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas,
      securitySchemes: {
        agencyToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT (typ frx-agency+jwt, alg Ed25519)",
        },
      },
    },
    paths: {
      "/v1/envelopes": {
        post: {
          summary: "Submit a signed envelope",
          requestBody: {
            required: true,
            content: {
              "application/jose": {
                schema: {
                  type: "string",
                  description: "JWS compact; payload per the message schemas",
                },
              },
            },
          },
          responses: {
            "201": {
              description: "Stored; signed receipt",
              content: { "application/json": { schema: { type: "object" } } },
            },
            "200": { description: "Duplicate; the same receipt again" },
            "409": problem,
            "422": problem,
            "401": problem,
            "413": problem,
            "429": problem,
          },
        },
      },
      "/v1/inbox": {
        get: {
          summary: "Read the inbox after a cursor (long-poll with wait)",
          security: bearer,
          responses: { "200": { description: "Items" }, "401": problem },
        },
      },
      "/v1/inbox/ack": {
        post: {
          summary: "Acknowledge inbox items",
          security: bearer,
          responses: { "200": { description: "Count acknowledged" }, "401": problem },
        },
      },
      "/v1/cases/{case}": {
        get: {
          summary: "A case as the caller may see it",
          security: bearer,
          parameters: [
            {
              name: "case",
              in: "path",
              required: true,
              schema: ref("entities/ids.json#/$defs/caseId"),
            },
          ],
          responses: { "200": { description: "Case view" }, "404": problem },
        },
      },
      "/v1/attachments/{sha256}": {
        put: {
          summary: "Upload an attachment by digest",
          security: bearer,
          responses: {
            "201": { description: "Stored" },
            "200": { description: "Already stored; the first upload's media type stays" },
            "413": problem,
            "422": problem,
          },
        },
        get: {
          summary: "Download an attachment",
          security: bearer,
          responses: { "200": { description: "The bytes" }, "404": problem },
        },
      },
      "/v1/directory": {
        get: {
          summary: "Signed directory",
          responses: { "200": { description: "Directory and its JWS" } },
        },
      },
      "/v1/registry": {
        get: {
          summary: "Signed public sanctions registry",
          responses: { "200": { description: "Registry and its JWS" } },
        },
      },
      "/.well-known/frx-node": {
        get: {
          summary: "Signed node metadata",
          responses: { "200": { description: "Metadata and its JWS" } },
        },
      },
      "/healthz": { get: { summary: "Liveness", responses: { "200": { description: "ok" } } } },
      "/readyz": {
        get: {
          summary: "Readiness",
          responses: { "200": { description: "ready" }, "503": { description: "not ready" } },
        },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics", responses: { "200": { description: "text" } } },
      },
    },
  };
}
