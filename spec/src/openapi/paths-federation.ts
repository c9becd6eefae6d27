import {
  jose,
  json,
  open,
  pathParam,
  problem,
  ref,
  refusals,
  registryQuery,
  signedGet,
} from "./parts.js";

/** The routes peer nodes call (spec/federation.md). */
export const federationPaths = {
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
        "200": json("api/transaction-answer.json", "The signed reply, one result per envelope."),
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
  "/federation/v1/erasure-notices": {
    post: {
      tags: ["federation"],
      summary: "A node of a case's party tells this node it erased content on request",
      security: open,
      requestBody: jose(
        "The erasure notice JWS (typ frx-erasure-notice+jws; documents/erasure-notice.json), signed by the origin node.",
      ),
      responses: {
        "200": json(
          "api/erasure-notice-answer.json",
          "The erasure made (no messages for a notice already applied).",
        ),
        "400": problem("jws.*, request.malformed"),
        "403": problem("dp.not-party, trust.member-suspended"),
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
};
