import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { thaiNode, type TestNode } from "./harness.js";

// Finding 8 of issue 11: a token with iat a year ahead and exp = iat + 300 was accepted, and so
// were iat > exp, an exp of 1e20 and aud ["TH", "LA"].
let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

async function token(claims: { iat: number; exp: number; aud?: string | string[] }) {
  const agency = t.agencies.get("TH:DOE")!;
  return new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: agency.signer.kid })
    .setIssuer(agency.id)
    .setAudience(claims.aud ?? "TH")
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .setJti(crypto.randomUUID())
    .sign(agency.signer.privateKey);
}

const call = async (jwt: string) => {
  const res = await t.node.app.request("/v1/inbox", {
    headers: { authorization: `Bearer ${jwt}` },
  });
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
};

const now = () => Math.floor(t.clock.now().getTime() / 1000);
const YEAR = 365 * 86_400;

describe("FRX-SIG-022, FRX-SIG-023, FRX-SIG-028: a token lives five minutes from a present iat", () => {
  it.each([
    [
      "iat a year ahead with a five-minute lifetime",
      () => ({ iat: now() + YEAR, exp: now() + YEAR + 300 }),
      "auth.token-invalid",
    ],
    ["iat beyond the skew", () => ({ iat: now() + 301, exp: now() + 400 }), "auth.token-invalid"],
    ["iat after exp", () => ({ iat: now() + 100, exp: now() + 50 }), "auth.token-expired"],
    ["a zero lifetime", () => ({ iat: now(), exp: now() }), "auth.token-expired"],
    ["an exp of 1e20", () => ({ iat: 1e20 - 100, exp: 1e20 }), "auth.token-invalid"],
    ["an exp of 1e20 from now", () => ({ iat: now(), exp: 1e20 }), "auth.token-expired"],
    [
      "aud as an array holding the node",
      () => ({ iat: now(), exp: now() + 60, aud: ["TH", "LA"] }),
      "auth.token-audience",
    ],
    [
      "aud as a one-element array",
      () => ({ iat: now(), exp: now() + 60, aud: ["TH"] }),
      "auth.token-audience",
    ],
  ])("refuses %s", async (_, claims, code) => {
    expect(await call(await token(claims()))).toEqual({ status: 401, code });
  });

  it("accepts iat within the skew ahead of the node's clock", async () => {
    expect((await call(await token({ iat: now() + 200, exp: now() + 400 }))).status).toBe(200);
  });
});
