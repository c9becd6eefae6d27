import { json, open, problem, signedGet } from "./parts.js";

/** The signed public documents and operations: no agency token (spec/agency-api.md). */
export const publicPaths = {
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
      summary: "Prometheus metrics (FRX-ADM-013: behind the metrics token when one is configured)",
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
};
