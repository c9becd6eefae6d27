import { randomUUID } from "node:crypto";
import { createSigner, generateSigningKey, type ErrorCode, type PrivateJwk } from "@frx/spec";
import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { rawJws } from "../harness/raw.js";
import type { AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";

/** The token schema and the fixed order of token checks (spec/agency-api.md, "Tokens"). */
const t = section("agency-api/tokens", "core");
const now = () => Math.floor(Date.now() / 1000);

/** A token with exactly these claims, signed as `as` (or with `key`), header as the spec has it. */
function token(
  h: Harness,
  as: AgencyName,
  claims: Record<string, unknown>,
  o: { key?: PrivateJwk; flipSignature?: boolean } = {},
): string {
  const key = o.key ?? h.key(as);
  const header = { alg: "Ed25519", typ: "frx-agency+jwt", kid: createSigner(key).kid };
  const jws = rawJws(header, JSON.stringify(claims), key);
  if (!o.flipSignature) return jws;
  const [hd, p, s] = jws.split(".") as [string, string, string];
  return `${hd}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
}

/** Claims that pass every check, for `as`, changed by `change` (undefined deletes). */
function claims(h: Harness, as: AgencyName, change: Record<string, unknown> = {}) {
  const c: Record<string, unknown> = {
    iss: h.id(as),
    aud: h.node.id,
    iat: now(),
    exp: now() + 120,
    jti: randomUUID(),
    ...change,
  };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

async function refusedWith(h: Harness, what: string, bearer: string, code: ErrorCode) {
  const reply = await h.http.call("GET", "/v1/inbox?limit=1", {
    headers: { authorization: `Bearer ${bearer}` },
  });
  check(reply.status >= 400, `${what} was accepted`);
  const got = reply.json<{ code?: string }>().code;
  check(got === code, `${what}: expected ${code}, got ${String(got)}`);
  h.problem(reply, code);
}

export const agencyTokenTests = [
  t("FRX-API-007", async (h) => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ["a token without jti", { jti: undefined }],
      ["a token without iat", { iat: undefined }],
      ["a token without iss", { iss: undefined }],
      ["a token with an added claim", { nbf: now() }],
      ["a token with a fractional iat", { iat: now() + 0.5 }],
      ["a token with exp as a string", { exp: String(now() + 120) }],
      ["a token with a jti of a space", { jti: "two words" }],
      ["a token with a jti of 65 characters", { jti: "a".repeat(65) }],
    ];
    for (const [what, change] of cases)
      await refusedWith(h, what, token(h, "LI", claims(h, "LI", change)), "auth.token-invalid");
  }),

  t("FRX-API-006", async (h) => {
    const other = h.node.id === "XC" ? "XD" : "XC";
    const stranger = generateSigningKey().privateJwk;
    const used = claims(h, "LI");
    const first = await h.http.call("GET", "/v1/inbox?limit=1", {
      headers: { authorization: `Bearer ${token(h, "LI", used)}` },
    });
    check(first.status === 200, `a good token was refused: HTTP ${first.status}`);
    const long = { iat: now(), exp: now() + 600 };
    const cases: Array<[string, string, ErrorCode]> = [
      [
        "a key of no agency (4), wrong aud (9), lifetime 600 s (11)",
        token(h, "LI", claims(h, "LI", { aud: other, ...long }), { key: stranger }),
        "auth.token-invalid",
      ],
      [
        "a disabled agency (6) with a bad signature (7)",
        token(h, "OFF", claims(h, "OFF"), { flipSignature: true }),
        "auth.participant-disabled",
      ],
      [
        "a disabled agency (6), wrong aud (9)",
        token(h, "OFF", claims(h, "OFF", { aud: other })),
        "auth.participant-disabled",
      ],
      [
        "a bad signature (7), wrong aud (9)",
        token(h, "LI", claims(h, "LI", { aud: other }), { flipSignature: true }),
        "auth.token-invalid",
      ],
      [
        "an added claim (8), wrong aud (9)",
        token(h, "LI", claims(h, "LI", { aud: other, scope: "all" })),
        "auth.token-invalid",
      ],
      [
        "wrong aud (9), lifetime 600 s (11)",
        token(h, "LI", claims(h, "LI", { aud: other, ...long })),
        "auth.token-audience",
      ],
      [
        "iat 600 s ahead (10), lifetime 600 s (11)",
        token(h, "LI", claims(h, "LI", { iat: now() + 600, exp: now() + 1200 })),
        "auth.token-invalid",
      ],
      [
        "lifetime 600 s (11), a jti accepted before (14)",
        token(h, "LI", claims(h, "LI", { ...long, jti: used.jti })),
        "auth.token-expired",
      ],
      [
        "expired (12), a jti accepted before (14)",
        token(h, "LI", claims(h, "LI", { iat: now() - 1200, exp: now() - 1100, jti: used.jti })),
        "auth.token-expired",
      ],
    ];
    for (const [what, bearer, code] of cases) await refusedWith(h, what, bearer, code);
  }),
];
