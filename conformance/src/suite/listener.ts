import { check, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import type { Reply } from "../harness/http.js";
import { section } from "./define.js";

const t = section("agency-api/listener", "core");

/** The admin operations of spec/admin.md (the reference node's paths), and the console's login. */
const ADMIN: Array<[string, string]> = [
  ["GET", "/admin/api/health"],
  ["GET", "/admin/api/agencies"],
  ["POST", "/admin/api/agencies"],
  ["GET", "/admin/api/trust"],
  ["POST", "/admin/api/trust"],
  ["POST", "/admin/api/node/keys/rotate"],
  ["GET", "/admin/api/dead-letters"],
  ["POST", "/admin/session"],
  ["GET", "/admin/"],
];

/** The headers FRX-ADM-012 puts on every response (strict-transport-security only over HTTPS). */
function securityHeaders(what: string, r: Reply): void {
  same(r.headers["x-content-type-options"], "nosniff", `${what}: x-content-type-options`);
  same(r.headers["referrer-policy"], "no-referrer", `${what}: referrer-policy`);
  same(r.headers["x-frame-options"]?.toUpperCase(), "DENY", `${what}: x-frame-options`);
  check(r.headers["content-security-policy"], `${what}: no content-security-policy`);
}

export const listenerTests = [
  t("FRX-ADM-002", async (h: Harness) => {
    for (const [method, path] of ADMIN) {
      const r = await h.call(method, path, {
        as: "LI",
        ...(method === "POST"
          ? { headers: { "content-type": "application/json" }, body: "{}" }
          : {}),
      });
      check(
        r.status === 404 || r.status === 405,
        `${method} ${path} on the agency and federation listener answered ${r.status}, not 404: ${r.text.slice(0, 200)}`,
      );
    }
  }),

  t("FRX-ADM-013", async (h: Harness) => {
    const token = h.kit.secrets.metricsToken;
    if (!token)
      throw new SkipTest(
        "the kit sets no metrics token (config-overrides.json metricsToken): make the kit again",
      );
    h.problem(await h.http.call("GET", "/metrics"), "auth.token-invalid");
    h.problem(
      await h.http.call("GET", "/metrics", { headers: { authorization: `Bearer ${token}x` } }),
      "auth.token-invalid",
    );
    h.problem(await h.call("GET", "/metrics", { as: "LI" }), "auth.token-invalid");
    const right = await h.http.call("GET", "/metrics", {
      headers: { authorization: `Bearer ${token}` },
    });
    check(
      right.status === 200,
      `GET /metrics with the metrics token of config-overrides.json answered ${right.status}: ${right.text.slice(0, 200)}`,
    );
  }),

  t("FRX-ADM-012", async (h: Harness) => {
    const seen: Array<[string, Reply]> = [
      ["GET /.well-known/frx-node", await h.http.call("GET", "/.well-known/frx-node")],
      ["GET /v1/directory", await h.http.call("GET", "/v1/directory")],
      ["GET /v1/inbox", await h.call("GET", "/v1/inbox?limit=1", { as: "LI" })],
      ["GET /v1/inbox without a token", await h.http.call("GET", "/v1/inbox")],
      ["GET /nowhere", await h.http.call("GET", "/nowhere")],
      ["POST /v1/envelopes (refused)", await h.submit(h.sign(h.envelope("policy-firewall-fail")))],
      [
        "PUT /federation/v1/transactions (refused)",
        await h.http.call(
          "PUT",
          `${h.node.member.endpoint.replace(h.http.base, "")}/transactions/x`,
          {
            headers: { "content-type": "application/jose" },
            body: "not a jwe",
          },
        ),
      ],
    ];
    for (const [what, r] of seen) securityHeaders(what, r);
  }),
];
