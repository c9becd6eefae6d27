import { createSigner, generateSigningKey, publicJwkOf } from "@frx/spec";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { parseEvents } from "../src/client/contract.js";
import { judgeToken } from "../src/client/tokens.js";
import { agencyToken } from "../src/harness/tokens.js";

const ID = "01KJQ3ZZ00000000000000000A";

describe("the client's report lines", () => {
  it("reads the contract's events and keeps every other line aside", () => {
    const out = [
      JSON.stringify({ event: "received", cursor: 1, messageId: ID }),
      JSON.stringify({ event: "rejected", cursor: 2, messageId: ID, code: "jws.kid-unknown" }),
      JSON.stringify({ event: "stored", messageId: ID, status: "duplicate", receipt: "a.b.c" }),
      JSON.stringify({ event: "not-stored", messageId: ID, code: "idempotency.conflict" }),
      JSON.stringify({ event: "registry", node: "XA", status: "refused", code: "registry.x" }),
      "starting up",
      JSON.stringify({ event: "registry", node: "XA", status: "trusted" }),
      JSON.stringify({ event: "stored", messageId: ID, status: "accepted" }),
      JSON.stringify({ event: "received", cursor: 1, messageId: "not-an-id" }),
      JSON.stringify({ event: "not-stored", messageId: ID }),
      "",
    ].join("\n");
    const { events, ignored } = parseEvents(out);
    expect(events.map((e) => e.event)).toEqual([
      "received",
      "rejected",
      "stored",
      "not-stored",
      "registry",
    ]);
    expect(events.at(-1)).toEqual({
      event: "registry",
      node: "XA",
      status: "refused",
      code: "registry.x",
    });
    expect(ignored).toHaveLength(5);
  });
});

describe("the stand-in node's judgement of agency tokens", () => {
  const key = generateSigningKey().privateJwk;
  const expect_ = { participant: "TH:CONF-CLIENT", node: "TH", key: publicJwkOf(key) };
  const claims = { iss: expect_.participant, aud: "TH" };
  const now = Date.now();
  const t = Math.floor(now / 1000);
  const judge = async (o: Parameters<typeof agencyToken>[2] = {}) =>
    judgeToken(`Bearer ${await agencyToken(key, claims, o)}`, expect_, now);

  it("passes a token minted for the call", async () => {
    const v = await judge();
    expect(v).toMatchObject({ problems: [] });
    expect(v.code).toBeUndefined();
    expect(v.jti).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("names what is wrong with a token, with the code a node would refuse it with", async () => {
    expect(judgeToken(undefined, expect_, now).code).toBe("auth.token-missing");
    expect((await judge({ iat: t, exp: t + 600 })).code).toBe("auth.token-expired");
    expect((await judge({ iat: t - 900, exp: t - 700 })).problems.join()).toMatch(
      /not minted for this call/,
    );
    expect((await judge({ aud: "LA" })).code).toBe("auth.token-audience");
    expect((await judge({ iss: "TH:OTHER" })).code).toBe("auth.token-invalid");
    expect((await judge({ key: generateSigningKey().privateJwk })).code).toBe("auth.token-invalid");
    const signer = createSigner(key);
    const extra = await new SignJWT({ scope: "all" })
      .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: signer.kid })
      .setIssuer(claims.iss)
      .setAudience("TH")
      .setIssuedAt(t)
      .setExpirationTime(t + 60)
      .setJti("abc")
      .sign(signer.privateKey);
    const v = judgeToken(`Bearer ${extra}`, expect_, now);
    expect(v.code).toBe("auth.token-invalid");
    expect(v.problems.join()).toContain("claims are");
  });
});
