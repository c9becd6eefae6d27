import * as fc from "fast-check";
import { fuzzNode, tokenFor } from "../node-harness.js";
import { NASTY_STRINGS } from "../mutate.js";
import { expectAnswer } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface Input {
  method: string;
  path: string;
  query: Array<[string, string]>;
  auth: "none" | "valid" | "garbage";
  contentType: string | null;
  body: string | null;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const SEGMENT = fc.oneof(
  fc.constantFrom(
    "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0",
    "LA",
    "..",
    "%2e%2e",
    "%00",
    "a".repeat(300),
    "",
    "TH:IMB",
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const PATHS = fc.oneof(
  fc.constantFrom(
    "/v1/envelopes",
    "/v1/inbox",
    "/v1/inbox/ack",
    "/v1/directory",
    "/v1/registry",
    "/v1/trust-list",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/.well-known/frx-node",
    "/federation/v1/wake",
    "/federation/v1/directory",
  ),
  fc
    .tuple(
      fc.constantFrom(
        "/v1/cases/",
        "/v1/attachments/",
        "/v1/directories/",
        "/federation/v1/transactions/",
        "/",
      ),
      SEGMENT,
    )
    .map(([a, b]) => a + b),
);
const BODY = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(...NASTY_STRINGS),
  fc.integer({ min: 10, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.integer({ min: 10, max: 20_000 }).map((n) => '{"a":'.repeat(n) + "1" + "}".repeat(n)),
  fc.constantFrom(
    '{"cursor":1}',
    '{"cursor":-1}',
    '{"cursor":1e400}',
    '{"upTo":"x"}',
    "x".repeat(300_000),
  ),
);

/**
 * The HTTP layer of the node as a stranger and as an agency see it: methods, known and unknown
 * paths with odd segments, query strings, media types, bodies (garbage, deep nesting, too
 * large) and Authorization headers. Oracles: never a 5xx; every 4xx is problem+json with a spec
 * code and the matching status; a 405 names the allowed methods.
 */
export async function httpTarget(): Promise<FuzzTarget<Input>> {
  const n = await fuzzNode();
  const arbitrary: fc.Arbitrary<Input> = fc.record({
    method: fc.constantFrom(...METHODS),
    path: PATHS,
    query: fc.array(
      fc.tuple(
        fc.constantFrom("after", "limit", "wait", "x", "node", ""),
        // No numeric wait beyond 0: a valid long-poll would hold the run for its whole wait.
        fc.constantFrom(
          "",
          "-1",
          "abc",
          "0",
          "1.5",
          "0x10",
          "NaN",
          "1e3x",
          "%00",
          "18446744073709551617x",
        ),
      ),
      { maxLength: 3 },
    ),
    auth: fc.constantFrom("none", "valid", "garbage"),
    contentType: fc.constantFrom(
      null,
      "application/json",
      "application/jose",
      "application/octet-stream",
      "text/plain",
      "application/json; charset=utf-16",
    ),
    body: fc.option(BODY),
  });
  return {
    name: "http",
    surface: "the node's HTTP layer (every route, method, header, query and body)",
    arbitrary,
    async check(i) {
      const headers: Record<string, string> = {};
      if (i.contentType) headers["content-type"] = i.contentType;
      if (i.auth === "valid") headers.authorization = `Bearer ${await tokenFor(n, "TH:DOE")}`;
      if (i.auth === "garbage") headers.authorization = "Bearer a.b.c";
      const query = i.query
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join("&");
      const url = `${i.path}${query ? `?${query}` : ""}`;
      const withBody = i.body !== null && i.method !== "GET" && i.method !== "HEAD";
      const res = await n.request(url, {
        method: i.method,
        headers,
        ...(withBody ? { body: i.body } : {}),
      });
      if (i.method === "HEAD") {
        if (res.status >= 500) fail(`HEAD ${url}: ${res.status}`);
        return;
      }
      const { status } = await expectAnswer(res);
      if (status === 405 && !res.headers.get("allow"))
        fail(`405 without Allow on ${i.method} ${i.path}`);
    },
    close: () => n.close(),
  };
}
