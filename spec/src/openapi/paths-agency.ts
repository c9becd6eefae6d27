import {
  auth,
  jose,
  json,
  open,
  pathParam,
  problem,
  query,
  ref,
  refusals,
  registryQuery,
  signedGet,
} from "./parts.js";

/** The routes an agency system calls (spec/agency-api.md). */
export const agencyPaths = {
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
      parameters: [pathParam("case", ref("entities/ids.json", "/$defs/caseId"), "The case id.")],
      responses: {
        "200": json("api/case-view.json", "Threads, deadlines and timeline visible to the caller."),
        ...auth,
        "404": problem("request.not-found: no such case, or the caller is no party (FRX-API-018)"),
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
      parameters: [pathParam("node", ref("entities/ids.json", "/$defs/nodeId"), "The node id.")],
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
};
