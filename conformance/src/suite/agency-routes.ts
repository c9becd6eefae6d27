import { createHash, randomBytes } from "node:crypto";
import { validateDocument } from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { waitForInbox } from "../harness/inbox.js";
import type { Reply } from "../harness/http.js";
import { tableStatus } from "../harness/problem.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";

/** The routes of spec/agency-api.md: statuses and response documents on success and refusal. */
const t = section("agency-api/routes", "core");

/** Asserts the route answered `status` with a body matching `schema` (spec/schemas/api/…). */
async function answers(what: string, reply: Reply, status: number, schema: string) {
  same(reply.status, status, `the status of ${what} (${reply.text.slice(0, 200)})`);
  await holds(`the answer to ${what} against ${schema}`, () =>
    validateDocument(schema, reply.json()),
  );
}

export const agencyRouteTests = [
  t("FRX-API-001", async (h) => {
    const jws = h.sign(h.envelope("case-notify-ok"));
    const env = h.payloadOf(jws);
    await answers("POST /v1/envelopes", await h.submit(jws), 201, "api/submit-reply.json");
    const item = await waitForInbox(h, "VS", (i) => i.messageId === env.id, "the envelope");
    await answers(
      "GET /v1/inbox",
      await h.call("GET", `/v1/inbox?after=${item.cursor - 1}&limit=1`, { as: "VS" }),
      200,
      "api/inbox-page.json",
    );
    const ack = await h.call("POST", "/v1/inbox/ack", {
      as: "VS",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cursors: [item.cursor] }),
    });
    await answers("POST /v1/inbox/ack", ack, 200, "api/inbox-ack-reply.json");
    const caseView = await h.call("GET", `/v1/cases/${encodeURIComponent(String(env.case))}`, {
      as: "LI",
    });
    await answers("GET /v1/cases/{case}", caseView, 200, "api/case-view.json");
    const bytes = randomBytes(512);
    const digest = createHash("sha256").update(bytes).digest("hex");
    const put = () =>
      h.call("PUT", `/v1/attachments/${digest}`, {
        as: "LI",
        headers: { "content-type": "application/pdf" },
        body: bytes,
      });
    await answers("PUT /v1/attachments (new)", await put(), 201, "api/attachment-stored.json");
    await answers("PUT /v1/attachments (again)", await put(), 200, "api/attachment-stored.json");
    const got = await h.call("GET", `/v1/attachments/${digest}`, { as: "LI" });
    same(got.status, 200, "the status of GET /v1/attachments/{sha256}");
    same(got.bytes.equals(bytes), true, "the bytes served back");
    for (const [path, schema] of [
      ["/v1/directory", "api/signed-directory.json"],
      [`/v1/directories/${h.node.id}`, "api/signed-directory.json"],
      ["/v1/registry", "api/signed-registry.json"],
      ["/v1/trust-list", "api/trust-list-reply.json"],
      ["/.well-known/frx-node", "api/signed-metadata.json"],
      ["/healthz", "api/health.json"],
      ["/readyz", "api/readiness.json"],
    ] as const)
      await answers(`GET ${path}`, await h.http.call("GET", path), 200, schema);
    const openapi = await h.http.call("GET", "/openapi.json");
    same(openapi.status, 200, "the status of GET /openapi.json");
    check(
      /^3\.1\.\d+$/.test(String(openapi.json<{ openapi?: unknown }>().openapi)),
      "GET /openapi.json is not an OpenAPI 3.1 document",
    );
  }),

  t("FRX-API-005", async (h) => {
    // One refusal of each class the agency API can provoke without an operator: expectProblem
    // (every refusal the suite sees) holds the status against envelope.md's table.
    const li = h.id("LI");
    const refusals: Array<[string, Promise<Reply>]> = [
      ["request.malformed", h.call("GET", "/v1/inbox?limit=x", { as: "LI" })],
      ["auth.token-missing", h.http.call("GET", "/v1/inbox")],
      ["auth.forbidden", h.submit(h.sign(h.envelope("case-notify-ok")), { as: "VS" })],
      ["request.not-found", h.call("GET", `/v1/cases/${li}:${ulid()}`, { as: "LI" })],
      ["request.method-not-allowed", h.http.call("DELETE", "/v1/envelopes")],
      [
        "request.media-type",
        h.submit(h.sign(h.envelope("case-notify-ok")), { contentType: "text/plain" }),
      ],
      ["policy.consent-missing", h.submit(h.sign(h.envelope("case-notify-identified-ok")))],
    ];
    for (const [code, reply] of refusals) {
      const r = await reply;
      h.problem(r, code as Parameters<Harness["problem"]>[1]);
      same(r.status, tableStatus(code), `the HTTP status of ${code}`);
    }
  }),

  t("FRX-API-018", async (h) => {
    const env = h.envelope("case-notify-ok");
    await h.accepted(h.sign(env));
    const path = (c: string) => `/v1/cases/${encodeURIComponent(c)}`;
    const notParty = await h.call("GET", path(String(env.case)), { as: "POL" });
    const none = await h.call("GET", path(`${h.id("LI")}:${ulid()}`), { as: "POL" });
    const a = h.problem(notParty, "request.not-found");
    const b = h.problem(none, "request.not-found");
    same(
      [notParty.status, a.type, a.title],
      [none.status, b.type, b.title],
      "the answer for a case of others, against the one for no case",
    );
  }),

  t("FRX-API-020", async (h) => {
    // What the JWS carries (FRX-FED-004): the minor versions, among them this suite's 1.0.
    const jws = (await h.http.call("GET", "/.well-known/frx-node")).json<{ jws: string }>().jws;
    const listed = h.payloadOf(jws).minorVersions;
    check(Array.isArray(listed), `the signed metadata lists no minorVersions: ${String(listed)}`);
    check(listed.includes("1.0"), `minorVersions ${JSON.stringify(listed)} leaves out 1.0`);
  }),
];
