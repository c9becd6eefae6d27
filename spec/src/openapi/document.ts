import { bundleSchemas, componentRef, SCHEMA_BASE, type SchemaDocument } from "./bundle.js";

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
  const ref = (path: string, pointer = "") => componentRef(SCHEMA_BASE + path, pointer);
  const json = (path: string, description: string) => ({
    description,
    content: { "application/json": { schema: ref(path) } },
  });
  const problem = (description: string) => ({
    description: `${description} (RFC 9457 problem; \`code\` is the contract, envelope.md's status table)`,
    content: { "application/problem+json": { schema: ref("documents/problem.json") } },
  });
  const refusals = (extra: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(extra).map(([status, what]) => [status, problem(what)])),
    "429": {
      ...problem("request.rate-limited"),
      headers: {
        "Retry-After": {
          description: "Whole seconds after which the caller may try again (FRX-ENV-036).",
          schema: { type: "integer", minimum: 1 },
        },
      },
    },
    "500": problem("internal.error"),
    "503": problem("node.not-ready"),
  });
  const auth = {
    "401": problem(
      "auth.token-missing, auth.token-invalid, auth.token-expired, auth.token-replayed, auth.token-audience",
    ),
    "403": problem("auth.participant-unknown, auth.participant-disabled, auth.forbidden"),
  };
  const agency = [{ agencyToken: [] }];
  const open: never[] = [];
  const jose = (description: string) => ({
    required: true,
    description,
    content: { "application/jose": { schema: ref("api/common.json", "/$defs/jwsCompact") } },
  });
  const pathParam = (name: string, schema: object, description: string) => ({
    name,
    in: "path",
    required: true,
    description,
    schema,
  });
  const query = (name: string, schema: object, description: string) => ({
    name,
    in: "query",
    required: false,
    description,
    schema,
  });
  // The legal entity a registry question names: both parameters, or (where `required` is false) neither.
  const registryQuery = (required: boolean) =>
    [
      [
        "registrationNumber",
        ref("api/registry-query.json", "/properties/registrationNumber"),
        "The business registration number, as its issuer writes it.",
      ],
      [
        "issuer",
        ref("codes/country.json"),
        "The country that registered the business (ISO 3166-1 alpha-2).",
      ],
    ].map(([name, schema, description]) => ({
      ...query(
        name as string,
        schema as object,
        `${description as string}${required ? "" : " With issuer, or neither."}`,
      ),
      required,
    }));
  const signedGet = (summary: string, path: string, extra: Record<string, string> = {}) => ({
    get: {
      summary,
      security: open,
      responses: { "200": json(path, summary), ...refusals(extra) },
    },
  });

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
      "/v1/envelopes": {
        post: {
          tags: ["agency"],
          summary: "Submit a signed envelope (FRX-API-002)",
          description:
            "The token is optional: the envelope authenticates itself; a token that is sent must be valid and its iss must be the envelope's from (FRX-SIG-026).",
          security: [{ agencyToken: [] }, {}],
          requestBody: jose(
            "The envelope JWS (typ frx-envelope+jws); payload: one of the messages.* schemas.",
          ),
          responses: {
            "201": json("api/submit-reply.json", "Stored now; the node's signed receipt."),
            "200": json(
              "api/submit-reply.json",
              "The identical JWS was stored before; the same receipt.",
            ),
            "400": problem("jws.*, envelope.*, schema.*, request.malformed"),
            ...auth,
            "409": problem("idempotency.conflict, state.*"),
            "413": problem("envelope.too-large"),
            "415": problem("request.media-type"),
            "422": problem(
              "policy.*, routing.recipient-unknown, consent.*, attachment.digest-mismatch",
            ),
            "404": problem("attachment.not-found"),
            ...refusals({}),
          },
        },
      },
      "/v1/inbox": {
        get: {
          tags: ["agency"],
          summary: "Read the caller's unacknowledged inbox items after a cursor (FRX-API-011)",
          parameters: [
            query(
              "after",
              ref("api/common.json", "/$defs/cursor"),
              "Return items with a larger cursor (default 0).",
            ),
            query(
              "limit",
              { type: "integer", minimum: 1, default: 100 },
              "At most this many items (default 100; above 500 served as 500).",
            ),
            query(
              "wait",
              { type: "integer", minimum: 0, default: 0 },
              "Milliseconds to hold the request when nothing is pending (long-poll; above 30,000 served as 30,000).",
            ),
          ],
          responses: {
            "200": json("api/inbox-page.json", "Items, oldest first, and the next cursor."),
            "400": problem("request.malformed"),
            ...auth,
            ...refusals({}),
          },
        },
      },
      "/v1/inbox/ack": {
        post: {
          tags: ["agency"],
          summary: "Acknowledge inbox items (FRX-API-016)",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("api/inbox-ack-request.json") } },
          },
          responses: {
            "200": json("api/inbox-ack-reply.json", "How many items left the inbox."),
            "400": problem("request.malformed"),
            ...auth,
            "413": problem("request.too-large"),
            "415": problem("request.media-type"),
            ...refusals({}),
          },
        },
      },
      "/v1/cases/{case}": {
        get: {
          tags: ["agency"],
          summary: "The case as the calling party may see it (FRX-MSG-012)",
          parameters: [
            pathParam("case", ref("entities/ids.json", "/$defs/caseId"), "The case id."),
          ],
          responses: {
            "200": json(
              "api/case-view.json",
              "Threads, deadlines and timeline visible to the caller.",
            ),
            ...auth,
            "404": problem(
              "request.not-found: no such case, or the caller is no party (FRX-API-018)",
            ),
            ...refusals({}),
          },
        },
      },
      "/v1/attachments/{sha256}": {
        parameters: [
          pathParam(
            "sha256",
            ref("entities/ids.json", "/$defs/sha256"),
            "Lower-case hex SHA-256 of the bytes.",
          ),
        ],
        put: {
          tags: ["agency"],
          summary: "Upload attachment bytes under their digest (FRX-ENV-015, FRX-ENV-033)",
          requestBody: {
            required: true,
            content: {
              "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } },
            },
          },
          responses: {
            "201": json("api/attachment-stored.json", "Stored by this request."),
            "200": json(
              "api/attachment-stored.json",
              "Held already; the first upload's media type stays.",
            ),
            "400": problem("request.malformed"),
            ...auth,
            "413": problem("attachment.too-large"),
            "422": problem("attachment.digest-mismatch"),
            ...refusals({}),
          },
        },
        get: {
          tags: ["agency"],
          summary: "Download attachment bytes (FRX-ENV-018, FRX-ENV-034)",
          responses: {
            "200": {
              description: "The bytes, as a download (Content-Disposition: attachment, nosniff).",
              content: {
                "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } },
              },
            },
            ...auth,
            "404": problem("attachment.not-found"),
            ...refusals({}),
          },
        },
      },
      "/v1/directory": {
        get: {
          tags: ["public"],
          ...signedGet("This node's signed directory", "api/signed-directory.json").get,
        },
      },
      "/v1/directories/{node}": {
        get: {
          tags: ["public"],
          summary:
            "A node's signed directory as this node holds it (for verifying foreign agencies' envelopes)",
          security: open,
          parameters: [
            pathParam("node", ref("entities/ids.json", "/$defs/nodeId"), "The node id."),
          ],
          responses: {
            "200": json(
              "api/signed-directory.json",
              "The directory and the JWS of the node that signed it.",
            ),
            "404": problem("request.not-found: this node holds no directory for that node"),
            ...refusals({}),
          },
        },
      },
      "/v1/registry": {
        get: {
          tags: ["public"],
          ...signedGet(
            "The signed public sanctions registry, whole or for one legal entity (FRX-REG-001)",
            "api/signed-registry.json",
            {
              "400":
                "request.malformed: a question that does not match api/registry-query.json (FRX-REG-002)",
            },
          ).get,
          parameters: registryQuery(false),
        },
      },
      "/v1/registry/lookup": {
        get: {
          tags: ["agency"],
          summary:
            "Whether a legal entity is listed in any member's sanctions registry: each member's signed answer, or why there is none (FRX-REG-004)",
          parameters: registryQuery(true),
          responses: {
            "200": json(
              "api/registry-lookup.json",
              "One result per member of the list in force, this node first; verify each JWS against the trust list (FRX-REG-008).",
            ),
            "400": problem("request.malformed (FRX-REG-002)"),
            ...auth,
            ...refusals({}),
          },
        },
      },
      "/v1/trust-list": {
        get: {
          tags: ["public"],
          summary: "The trust list in force, as signed",
          security: open,
          responses: {
            "200": json(
              "api/trust-list-reply.json",
              "Version, digest and the general-serialization JWS.",
            ),
            "404": problem("request.not-found: no trust list is applied"),
            ...refusals({}),
          },
        },
      },
      "/.well-known/frx-node": {
        get: {
          tags: ["public"],
          ...signedGet("Signed node metadata", "api/signed-metadata.json").get,
        },
      },
      "/openapi.json": {
        get: {
          tags: ["public"],
          summary: "This document",
          security: open,
          responses: {
            "200": {
              description: "OpenAPI 3.1",
              content: { "application/json": { schema: { type: "object" } } },
            },
          },
        },
      },
      "/healthz": { get: { tags: ["public"], ...signedGet("Liveness", "api/health.json").get } },
      "/readyz": {
        get: {
          tags: ["public"],
          summary: "Readiness (FRX-ENV-029)",
          security: open,
          responses: {
            "200": json("api/readiness.json", "Ready."),
            "503": json("api/readiness.json", "Not ready: which check fails."),
          },
        },
      },
      "/metrics": {
        get: {
          tags: ["public"],
          summary:
            "Prometheus metrics (FRX-ADM-013: behind the metrics token when one is configured)",
          security: [{ metricsToken: [] }, {}],
          responses: {
            "200": {
              description: "Prometheus text format",
              content: { "text/plain": { schema: { type: "string" } } },
            },
            "401": problem("auth.token-invalid"),
          },
        },
      },
      "/federation/v1/transactions/{txnId}": {
        put: {
          tags: ["federation"],
          summary: "A peer's encrypted, node-signed batch of envelopes (federation.md)",
          security: open,
          parameters: [
            pathParam(
              "txnId",
              ref("entities/ids.json", "/$defs/ulid"),
              "The transaction id the origin node chose.",
            ),
          ],
          requestBody: jose(
            "The JWE (typ frx-transaction+jwe) of the signed transaction (documents/transaction.json).",
          ),
          responses: {
            "200": json(
              "api/transaction-answer.json",
              "The signed reply, one result per envelope.",
            ),
            "400": problem(
              "trust.list-invalid, federation.undecryptable, federation.transaction-replayed, jws.*",
            ),
            "401": problem("trust.member-unknown"),
            "403": problem("trust.member-suspended"),
            "409": problem("federation.transaction-conflict"),
            "413": problem("request.too-large"),
            "415": problem("request.media-type"),
            "421": problem("federation.not-destination"),
            ...refusals({}),
            "503": problem("node.not-ready, trust.list-expired"),
          },
        },
      },
      "/federation/v1/attachments/{sha256}": {
        parameters: [
          pathParam("sha256", ref("entities/ids.json", "/$defs/sha256"), "The file's SHA-256."),
          {
            name: "FRX-Transfer",
            in: "header",
            required: true,
            description:
              "The origin node's signed transfer document (compact JWS, typ frx-attachment-transfer+jws; documents/attachment-transfer.json), with epk on a PUT.",
            schema: { type: "string" },
          },
        ],
        get: {
          tags: ["federation"],
          summary: "How much of a file the calling node has transferred here",
          security: open,
          responses: {
            "200": json("api/attachment-transfer-answer.json", "Bytes held from the caller."),
            "400": problem("jws.*, federation.transaction-replayed, request.malformed"),
            "401": problem("trust.member-unknown"),
            "413": problem("attachment.too-large"),
            "421": problem("federation.not-destination"),
            ...refusals({}),
            "503": problem("node.not-ready, trust.list-expired"),
          },
        },
        put: {
          tags: ["federation"],
          summary: "The rest of a file, from offset, as sealed records (FRX-FED-074)",
          security: open,
          requestBody: {
            required: true,
            content: {
              "application/octet-stream": {
                schema: { type: "string", format: "binary" },
              },
            },
          },
          responses: {
            "200": json("api/attachment-transfer-answer.json", "Bytes held after the body."),
            "400": problem(
              "jws.*, federation.undecryptable, federation.transaction-replayed, request.malformed",
            ),
            "401": problem("trust.member-unknown"),
            "409": problem("attachment.offset-mismatch"),
            "413": problem("attachment.too-large"),
            "415": problem("request.media-type"),
            "421": problem("federation.not-destination"),
            "422": problem("attachment.digest-mismatch"),
            ...refusals({}),
            "503": problem("node.not-ready, trust.list-expired"),
          },
        },
      },
      "/federation/v1/wake": {
        post: {
          tags: ["federation"],
          summary: "A peer asks this node to flush its outbox to it now",
          security: open,
          requestBody: jose("The wake JWS (typ frx-wake+jws; documents/wake.json)."),
          responses: {
            "200": json("api/wake-answer.json", "The peer whose outbox was woken."),
            "400": problem("jws.*, federation.transaction-replayed"),
            "401": problem("trust.member-unknown"),
            "421": problem("federation.not-destination"),
            ...refusals({}),
            "503": problem("node.not-ready, trust.list-expired"),
          },
        },
      },
      "/federation/v1/directory": {
        get: {
          tags: ["federation"],
          ...signedGet("This node's signed directory, for peers", "api/signed-directory.json").get,
        },
      },
      "/federation/v1/registry": {
        get: {
          tags: ["federation"],
          ...signedGet(
            "This node's signed registry for one legal entity, for peers' lookups (FRX-REG-001)",
            "api/signed-registry.json",
            {
              "400": "request.malformed (FRX-REG-002)",
            },
          ).get,
          parameters: registryQuery(false),
        },
      },
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
