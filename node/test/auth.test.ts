import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setParticipantStatus } from "../src/admin/participants.js";
import { thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

type Overrides = {
  typ?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  jti?: string | null;
  as?: string;
  key?: string;
};

/** A token for TH:DOE with one thing changed. */
async function token(o: Overrides = {}): Promise<string> {
  const agency = t.agencies.get(o.as ?? "TH:DOE")!;
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({
      alg: "Ed25519",
      typ: o.typ ?? "frx-agency+jwt",
      kid: o.key ?? agency.signer.kid,
    })
    .setIssuer(agency.id)
    .setAudience(o.aud ?? "TH")
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 60);
  if (o.jti !== null) jwt.setJti(o.jti ?? crypto.randomUUID());
  return jwt.sign(agency.signer.privateKey);
}

const call = (authorization?: string) =>
  t.node.app.request("/v1/inbox", authorization ? { headers: { authorization } } : {});
const codeOf = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { code: string }).code,
});

describe("agency tokens", () => {
  it("accepts a fresh, well-formed token", async () => {
    expect((await call(`Bearer ${await token()}`)).status).toBe(200);
  });

  it.each([
    ["no Authorization header", undefined, "auth.token-missing"],
    ["a Basic header", "Basic dXNlcjpwYXNz", "auth.token-invalid"],
    ["a token that is not a JWT", "Bearer abc.def", "auth.token-invalid"],
  ])("refuses %s", async (_, header, code) => {
    expect(await codeOf(await call(header))).toEqual({ status: 401, code });
  });

  it.each([
    ["a token of another typ", { typ: "JWT" }, "auth.token-invalid"],
    ["a token for another node", { aud: "LA" }, "auth.token-audience"],
    ["an expired token", { iat: 1_772_440_000, exp: 1_772_440_060 }, "auth.token-expired"],
    [
      "a token that lives longer than five minutes",
      { exp: Math.floor(Date.parse("2026-03-02T09:45:00Z") / 1000) + 3600 },
      "auth.token-expired",
    ],
    ["a token without a jti", { jti: null }, "auth.token-invalid"],
    ["a token whose kid names no registered key", { key: "unknown-kid" }, "auth.token-invalid"],
  ])("refuses %s", async (_, overrides, code) => {
    expect(await codeOf(await call(`Bearer ${await token(overrides as Overrides)}`))).toEqual({
      status: 401,
      code,
    });
  });

  it("refuses a token signed by one agency's key but claiming another's identity", async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({
        alg: "Ed25519",
        typ: "frx-agency+jwt",
        kid: t.agencies.get("TH:DSDW")!.signer.kid,
      })
      .setIssuer("TH:DOE")
      .setAudience("TH")
      .setIssuedAt(Math.floor(t.clock.now().getTime() / 1000))
      .setExpirationTime(Math.floor(t.clock.now().getTime() / 1000) + 60)
      .setJti("forged-1")
      .sign(t.agencies.get("TH:DSDW")!.signer.privateKey);
    expect(await codeOf(await call(`Bearer ${forged}`))).toEqual({
      status: 401,
      code: "auth.token-invalid",
    });
  });

  it("refuses a replayed token (same jti), even after other calls", async () => {
    const jwt = await token({ jti: "once-only" });
    expect((await call(`Bearer ${jwt}`)).status).toBe(200);
    expect((await call(`Bearer ${await token()}`)).status).toBe(200);
    expect(await codeOf(await call(`Bearer ${jwt}`))).toEqual({
      status: 401,
      code: "auth.token-replayed",
    });
  });

  it("refuses a disabled participant's token with 403", async () => {
    await setParticipantStatus(t.node.ctx, "TH:DOE", "disabled");
    expect(await codeOf(await call(`Bearer ${await token()}`))).toEqual({
      status: 403,
      code: "auth.participant-disabled",
    });
  });
});
