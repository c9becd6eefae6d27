import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

/** The token checks and inbox parameters of spec/agency-api.md, each at its boundary. */
let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

type Claims = Record<string, unknown>;

/** A token for TH:DOE whose claims (and header) are exactly the ones given. */
async function token(claims: Claims, header: Record<string, unknown> = {}): Promise<string> {
  const agency = t.agencies.get("TH:DOE")!;
  return new SignJWT(claims)
    .setProtectedHeader({
      alg: "Ed25519",
      typ: "frx-agency+jwt",
      kid: agency.signer.kid,
      ...header,
    })
    .sign(agency.signer.privateKey);
}

function valid(o: Claims = {}): Claims {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  return { iss: "TH:DOE", aud: "TH", iat: now, exp: now + 60, jti: crypto.randomUUID(), ...o };
}

async function codeOf(jwt: string, path = "/v1/inbox"): Promise<string | number> {
  const res = await t.node.app.request(path, { headers: { authorization: `Bearer ${jwt}` } });
  if (res.status === 200) return 200;
  return ((await res.json()) as { code: string }).code;
}

describe("agency tokens (FRX-API-006, FRX-API-007)", () => {
  it("accepts a token of exactly the claims of api/agency-token.json", async () => {
    expect(await codeOf(await token(valid()))).toBe(200);
  });

  const now = () => Math.floor(t.clock.now().getTime() / 1000);
  it.each<[string, () => Claims]>([
    ["an iat that is not a whole number of seconds", () => valid({ iat: now() + 0.5 })],
    ["an exp that is a string", () => valid({ exp: String(now() + 60) })],
    ["a claim the schema does not define", () => valid({ scope: "everything" })],
    ["a jti with a character outside base64url", () => valid({ jti: "a b" })],
    ["a jti longer than 64 characters", () => valid({ jti: "a".repeat(65) })],
    ["an empty jti", () => valid({ jti: "" })],
  ])("refuses %s with auth.token-invalid", async (_, claims) => {
    expect(await codeOf(await token(claims()))).toBe("auth.token-invalid");
  });

  it("refuses a header member other than alg, typ and kid with auth.token-invalid", async () => {
    expect(await codeOf(await token(valid(), { jku: "https://127.0.0.1/keys" }))).toBe(
      "auth.token-invalid",
    );
  });

  it("judges the audience (step 9) before the lifetime and expiry (steps 11, 12)", async () => {
    const old = now() - 3600;
    expect(await codeOf(await token(valid({ aud: "LA", iat: old, exp: old + 60 })))).toBe(
      "auth.token-audience",
    );
  });

  it("judges a future iat (step 10) before an over-long lifetime (step 11)", async () => {
    const ahead = now() + 3600;
    expect(await codeOf(await token(valid({ iat: ahead, exp: ahead + 3600 })))).toBe(
      "auth.token-invalid",
    );
  });

  it("judges the lifetime (step 11) before the replay (step 14)", async () => {
    const claims = valid();
    expect(await codeOf(await token(claims))).toBe(200);
    expect(await codeOf(await token({ ...claims, exp: Number(claims.iat) + 301 }))).toBe(
      "auth.token-expired",
    );
    expect(await codeOf(await token(claims))).toBe("auth.token-replayed");
  });
});

describe("inbox parameters (FRX-API-013, FRX-API-016)", () => {
  it.each(["limit=0", "limit=-1", "limit=ten", "wait=1.5", "after=1e3"])(
    "refuses %s with request.malformed",
    async (query) => {
      const res = await t.as("TH:DSDW", `/v1/inbox?${query}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("request.malformed");
    },
  );

  it("serves a limit above 500 as 500 rather than refusing it", async () => {
    expect((await t.as("TH:DSDW", "/v1/inbox?limit=100000")).status).toBe(200);
  });

  it("takes every cursor up to 2^53 - 1 as after, and refuses the next one (16 digits)", async () => {
    const res = await t.as("TH:DSDW", "/v1/inbox?after=9007199254740991");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { next: number }).next).toBe(9007199254740991);
    expect((await t.as("TH:DSDW", "/v1/inbox?after=9007199254740992")).status).toBe(400);
  });

  it.each([
    ["a member the schema does not define", { upTo: 1, all: true }],
    ["an empty cursors list", { cursors: [] }],
    ["cursors that are not a list", { upTo: 1, cursors: 3 }],
    ["a fractional cursor", { cursors: [1.5] }],
  ])("refuses an acknowledgement with %s", async (_, body) => {
    const res = await t.as("TH:DSDW", "/v1/inbox/ack", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("request.malformed");
  });
});

describe("acknowledgements touch only the caller's inbox (FRX-API-017)", () => {
  it("an agency that names another agency's cursors removes nothing of that inbox", async () => {
    await t.submit(t.sign(fixture("referral.create")));
    const read = async (who: string) =>
      ((await (await t.as(who, "/v1/inbox")).json()) as { items: Array<{ cursor: number }> }).items;
    const theirs = await read("TH:DSDW");
    expect(theirs).toHaveLength(1);
    const cursor = theirs[0]!.cursor;
    const res = await t.as("TH:NCC", "/v1/inbox/ack", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ upTo: cursor, cursors: [cursor] }),
    });
    expect(await res.json()).toEqual({ acknowledged: 0 });
    expect((await read("TH:DSDW")).map((i) => i.cursor)).toEqual([cursor]);
  });
});
