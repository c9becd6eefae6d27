import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { createSigner, generateSigningKey, MessageType, thumbprint, type Signer } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { restrictionsInForce, type RegistryLookup } from "../src/index.js";
import { fixture } from "./support/fixtures.js";
import { mockNode, NOW, type MockNode } from "./support/mock-node.js";

let m: MockNode;
beforeEach(() => {
  m = mockNode();
});
afterEach(() => m.agent.close());

const QUERY = { registrationNumber: "0105559087712", issuer: "TH" };
const PATH = `/v1/registry/lookup?${new URLSearchParams(QUERY).toString()}`;
const entry = () => {
  const body = fixture(MessageType.RegistryEntry).body as Record<string, unknown>;
  return { ...body, decision: { ...(body.decision as object), authority: "LA:DOSM" } };
};
const registry = (node: string, entries: unknown[] = []) => ({
  frx: "1",
  node,
  issuedAt: NOW,
  query: QUERY,
  entries,
});
const la = generateSigningKey();
const laSigner = createSigner(la.privateJwk);
const x = (generateKeyPairSync("x25519").publicKey.export({ format: "jwk" }) as { x: string }).x;
const member = (node: string, signer: Signer) => {
  const jwk = createPublicKey(signer.privateKey).export({ format: "jwk" }) as { x: string };
  const pub = { kty: "OKP", crv: "Ed25519", x: jwk.x };
  return {
    node,
    name: node,
    endpoint: `https://frx.${node.toLowerCase()}.example/federation/v1`,
    signingKeys: [
      {
        jwk: { ...pub, kid: thumbprint(pub), use: "sig" },
        status: "current",
        notBefore: "2026-01-01T00:00:00Z",
      },
    ],
    encryptionKey: {
      kty: "OKP",
      crv: "X25519",
      x,
      kid: thumbprint({ kty: "OKP", crv: "X25519", x }),
      use: "enc",
    },
    status: "active",
  };
};
/** The trust list the node serves: TH (the mock node) and LA. */
const serveTrustList = () => {
  const list = {
    frx: "1",
    version: 1,
    issuedAt: "2026-01-01T00:00:00Z",
    expiresAt: "2027-01-01T00:00:00Z",
    quorum: 1,
    members: [member("TH", m.nodeSigner), member("LA", laSigner)],
  };
  const payload = Buffer.from(JSON.stringify(list)).toString("base64url");
  m.pool
    .intercept({ path: "/v1/trust-list", method: "GET" })
    .reply(200, { version: 1, digest: "x", trustList: { payload, signatures: [] } })
    .persist();
};
const answered = (node: string, jws: string, doc: object) => ({
  node,
  status: "answered",
  registry: doc,
  jws,
});
const serveLookup = (results: unknown[]) =>
  m.pool
    .intercept({ path: PATH, method: "GET" })
    .reply(200, { query: QUERY, askedAt: NOW, results });
const code = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code?: string }) => e.code,
  );

describe("client.registryLookup (FRX-REG-008)", () => {
  it("returns each member's entries from what the member signed, checked against the trust list", async () => {
    serveTrustList();
    const own = registry("TH");
    const laDoc = registry("LA", [entry()]);
    serveLookup([
      answered("TH", m.sign(own, "frx-registry+jws"), own),
      // The node's unsigned copy says nothing; only the JWS counts.
      answered("LA", m.sign(laDoc, "frx-registry+jws", laSigner), { ...laDoc, entries: [] }),
    ]);
    const lookup = await m.client().registryLookup(QUERY);
    expect(lookup.results.map((r) => [r.node, r.status])).toEqual([
      ["TH", "answered"],
      ["LA", "answered"],
    ]);
    const laResult = lookup.results[1]!;
    expect(laResult.status === "answered" && laResult.registry.entries).toHaveLength(1);
  });

  it("turns an answer that does not verify into a refusal with the failed check's code", async () => {
    serveTrustList();
    const own = registry("TH");
    const laDoc = registry("LA", [entry()]);
    const foreign = registry("LA", [
      { ...entry(), decision: { ...entry().decision, authority: "KH:MOLVT" } },
    ]);
    serveLookup([
      answered("TH", m.sign(own, "frx-registry+jws"), own),
      answered(
        "LA",
        m.sign(laDoc, "frx-registry+jws", createSigner(generateSigningKey().privateJwk)),
        laDoc,
      ),
    ]);
    expect((await m.client().registryLookup(QUERY)).results[1]).toMatchObject({
      node: "LA",
      status: "refused",
      code: "registry.signature-invalid",
    });
    serveLookup([
      answered("TH", m.sign(own, "frx-registry+jws"), own),
      answered("LA", m.sign(foreign, "frx-registry+jws", laSigner), foreign),
    ]);
    expect((await m.client().registryLookup(QUERY)).results[1]).toMatchObject({
      status: "refused",
      code: "registry.foreign-entry",
    });
  });

  it("refuses a lookup that leaves a member out or answers another question", async () => {
    serveTrustList();
    const own = registry("TH");
    serveLookup([answered("TH", m.sign(own, "frx-registry+jws"), own)]);
    expect(await code(m.client().registryLookup(QUERY))).toBe("client.response-invalid");
    m.pool
      .intercept({ path: PATH, method: "GET" })
      .reply(200, { query: { ...QUERY, issuer: "LA" }, askedAt: NOW, results: [] });
    expect(await code(m.client().registryLookup(QUERY))).toBe("client.response-invalid");
  });

  it("with no trust list, verifies the node's own answer with the key of its metadata", async () => {
    m.serveMetadata();
    m.pool
      .intercept({ path: "/v1/trust-list", method: "GET" })
      .reply(
        404,
        {
          type: "urn:frx:problem:request.not-found",
          title: "not found",
          status: 404,
          detail: "none",
          code: "request.not-found",
        },
        { headers: { "content-type": "application/problem+json" } },
      )
      .persist();
    const own = registry("TH");
    serveLookup([answered("TH", m.sign(own, "frx-registry+jws"), own)]);
    expect((await m.client().registryLookup(QUERY)).results).toMatchObject([
      { node: "TH", status: "answered" },
    ]);
  });
});

describe("restrictionsInForce", () => {
  it("keeps decided hiring bans and licence sanctions in force on the day, from answered members only", () => {
    const decided = (decision: Record<string, unknown>, status = "published") => ({
      ...entry(),
      status,
      decision: { ...entry().decision, ...decision },
    });
    const suspension = decided({
      kind: "LICENCE_SUSPENSION",
      status: "imposed",
      until: "2026-08-31",
    });
    const lookup = {
      query: QUERY,
      askedAt: NOW,
      results: [
        {
          node: "LA",
          status: "answered",
          jws: "x.y.z",
          registry: registry("LA", [
            suspension,
            decided({ kind: "ADMIN_FINE", status: "final" }),
            decided({ kind: "EMPLOYER_MIGRANT_HIRING_BAN", status: "proposed" }),
            decided({ kind: "LICENCE_REVOCATION", status: "final" }, "lifted"),
            decided({ kind: "LICENCE_REVOCATION", status: "final", effectiveFrom: "2026-04-01" }),
            decided({ kind: "EMPLOYER_MIGRANT_HIRING_BAN", status: "final", until: "2026-03-01" }),
          ]),
        },
        {
          node: "KH",
          status: "unreachable",
          code: "federation.peer-unreachable",
          detail: "timeout",
        },
      ],
    } as unknown as RegistryLookup;
    expect(restrictionsInForce(lookup, "2026-03-02")).toEqual([{ node: "LA", entry: suspension }]);
    expect(restrictionsInForce(lookup, "2026-09-01")).toEqual([]);
  });
});
