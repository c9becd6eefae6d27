import { generateSigningKey } from "@frx/spec";
import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";

const t = section("agency-api/auth", "core");
const now = () => Math.floor(Date.now() / 1000);

/** GET /v1/inbox with this Authorization header (or none). */
async function inboxWith(h: Harness, authorization?: string) {
  return h.http.call(
    "GET",
    "/v1/inbox?limit=1",
    authorization ? { headers: { authorization } } : {},
  );
}

export const authTests = [
  t("FRX-SIG-020", async (h) => {
    h.problem(await inboxWith(h), "auth.token-missing");
    h.problem(
      await h.http.call(
        "GET",
        `/v1/cases/${encodeURIComponent(`${h.id("LI")}:01KJ0000000000000000000000`)}`,
      ),
      "auth.token-missing",
    );
  }),

  t("FRX-SIG-021", async (h) => {
    h.problem(await inboxWith(h, "Bearer not-a-token"), "auth.token-invalid");
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { typ: "JWT" })}`),
      "auth.token-invalid",
    );
    const stranger = generateSigningKey().privateJwk;
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { key: stranger })}`),
      "auth.token-invalid",
    );
    const [hd, p, s] = (await h.token("LI")).split(".") as [string, string, string];
    const flipped = `${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
    h.problem(await inboxWith(h, `Bearer ${hd}.${p}.${flipped}`), "auth.token-invalid");
    // Signed by the labour inspectorate's key, claiming to be victim services.
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { iss: h.id("VS") })}`),
      "auth.token-invalid",
    );
  }),

  t("FRX-SIG-022", async (h) => {
    const past = now() - 1200;
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { iat: past, exp: past + 120 })}`),
      "auth.token-expired",
    );
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { iat: now(), exp: now() + 600 })}`),
      "auth.token-expired",
    );
  }),

  t("FRX-SIG-023", async (h) => {
    const other = h.node.id === "XC" ? "XD" : "XC";
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { aud: other })}`),
      "auth.token-audience",
    );
  }),

  t("FRX-SIG-028", async (h) => {
    // Ten minutes ahead: beyond the 300 s skew, with a lifetime of one minute.
    const ahead = now() + 600;
    h.problem(
      await inboxWith(h, `Bearer ${await h.token("LI", { iat: ahead, exp: ahead + 60 })}`),
      "auth.token-invalid",
    );
  }),

  t("FRX-SIG-024", async (h) => {
    const token = await h.token("LI");
    const first = await inboxWith(h, `Bearer ${token}`);
    check(
      first.status === 200,
      `a fresh token was refused: HTTP ${first.status} ${first.text.slice(0, 200)}`,
    );
    h.problem(await inboxWith(h, `Bearer ${token}`), "auth.token-replayed");
  }),

  t("FRX-SIG-026", async (h) => {
    // The envelope is the labour inspectorate's; the token is victim services'.
    const jws = h.sign(h.envelope("case-notify-ok"));
    h.problem(await h.submit(jws, { as: "VS" }), "auth.forbidden");
  }),

  t("FRX-ENV-013", async (h) => {
    h.problem(await inboxWith(h, `Bearer ${await h.token("OFF")}`), "auth.participant-disabled");
    const env = h.envelope("case-notify-ok", { from: h.id("OFF") });
    await h.refused(h.sign(env), "auth.participant-disabled");
  }),
];
