import { componentRef, SCHEMA_BASE } from "./bundle.js";

// The pieces every route of the OpenAPI document is built from: schema references, JSON and
// problem responses, the refusals every route may give, security and parameters.

export const ref = (path: string, pointer = "") => componentRef(SCHEMA_BASE + path, pointer);
export const json = (path: string, description: string) => ({
  description,
  content: { "application/json": { schema: ref(path) } },
});
export const problem = (description: string) => ({
  description: `${description} (RFC 9457 problem; \`code\` is the contract, envelope.md's status table)`,
  content: { "application/problem+json": { schema: ref("documents/problem.json") } },
});
export const refusals = (extra: Record<string, string>) => ({
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
export const auth = {
  "401": problem(
    "auth.token-missing, auth.token-invalid, auth.token-expired, auth.token-replayed, auth.token-audience",
  ),
  "403": problem("auth.participant-unknown, auth.participant-disabled, auth.forbidden"),
};
export const agency = [{ agencyToken: [] }];
export const open: never[] = [];
export const jose = (description: string) => ({
  required: true,
  description,
  content: { "application/jose": { schema: ref("api/common.json", "/$defs/jwsCompact") } },
});
export const pathParam = (name: string, schema: object, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
export const query = (name: string, schema: object, description: string) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});
// The legal entity a registry question names: both parameters, or (where `required` is false) neither.
export const registryQuery = (required: boolean) =>
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
export const signedGet = (summary: string, path: string, extra: Record<string, string> = {}) => ({
  get: {
    summary,
    security: open,
    responses: { "200": json(path, summary), ...refusals(extra) },
  },
});
