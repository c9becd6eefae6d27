import {
  assertSignature,
  importPublicKey,
  parseCanonicalObject,
  parseCompact,
  thumbprint,
  type Types,
} from "@frx/spec";
import { check, holds, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";

const t = section("discovery", "core");
const fed = section("discovery", "federation");
const FORBIDDEN = ["crit", "jku", "jwk", "x5u", "x5c", "b64", "zip"];
type Typ = "frx-metadata+jws" | "frx-directory+jws" | "frx-registry+jws";

/** Verifies a node-signed document the way a peer would, and returns its payload. */
export async function nodeDocument<T>(
  h: Harness,
  path: string,
  member: string,
  typ: Typ,
): Promise<T> {
  const reply = await h.http.call("GET", path);
  check(reply.status === 200, `GET ${path} answered ${reply.status}`);
  const jws = reply.json<Record<string, unknown>>().jws;
  check(typeof jws === "string", `GET ${path} carries no jws`);
  return holds(`the ${typ} document at ${path}`, () => {
    const parsed = parseCompact(jws, typ);
    const header = JSON.parse(
      Buffer.from(jws.split(".")[0]!, "base64url").toString("utf8"),
    ) as Record<string, unknown>;
    same(
      Object.keys(header).filter((k) => FORBIDDEN.includes(k)),
      [],
      "forbidden header members",
    );
    same(header.alg, "Ed25519", "alg");
    const key = h.node.member.signingKeys.find((k) => k.jwk.kid === parsed.header.kid);
    check(key, `kid ${parsed.header.kid} is not a signing key of ${h.node.id}`);
    same(thumbprint(key.jwk), parsed.header.kid, "kid (RFC 7638 thumbprint)");
    assertSignature(parsed, importPublicKey(key.jwk));
    const doc = parseCanonicalObject(parsed.payload);
    same(doc.node, h.node.id, `the ${member} document's node`);
    return doc as T;
  });
}

export const discoveryTests = [
  t(
    "FRX-SIG-003",
    async (h) => {
      await nodeDocument(h, "/.well-known/frx-node", "metadata", "frx-metadata+jws");
      await nodeDocument(h, "/v1/directory", "directory", "frx-directory+jws");
      await nodeDocument(h, "/v1/registry", "registry", "frx-registry+jws");
      await nodeDocument(
        h,
        `${h.node.member.endpoint}/directory`,
        "directory",
        "frx-directory+jws",
      );
    },
    { covers: ["FRX-SIG-001", "FRX-SIG-002", "FRX-JCS-001", "FRX-FED-001"] },
  ),

  t("FRX-POL-002", async (h) => {
    const dir = await nodeDocument<Types.Directory>(
      h,
      "/v1/directory",
      "directory",
      "frx-directory+jws",
    );
    const entry = (id: string) => dir.participants.find((p) => p.id === id);
    const imm = entry(h.id("IMM"));
    check(imm, `the directory does not list ${h.id("IMM")}`);
    same(imm.immigrationFunctions, true, `${imm.id} immigrationFunctions`);
    same(entry(h.id("OFF"))?.status, "disabled", `${h.id("OFF")} status`);
    same(entry(h.id("LI"))?.immigrationFunctions, false, `${h.id("LI")} immigrationFunctions`);
  }),

  fed(
    "FRX-FED-002",
    async (h) => {
      const m = await nodeDocument<Types.NodeMetadata>(
        h,
        "/.well-known/frx-node",
        "metadata",
        "frx-metadata+jws",
      );
      if (!h.node.memberFromTrustList)
        throw new SkipTest(
          "the kit's trust list does not list the node (make the kit with --node-member)",
        );
      const member = h.node.member;
      same(m.endpoints.federation, member.endpoint, "endpoints.federation");
      same(m.encryptionKey.x, member.encryptionKey.x, "encryptionKey");
      same(
        m.signingKeys.map((k) => k.jwk.kid).sort(),
        member.signingKeys.map((k) => k.jwk.kid).sort(),
        "signing key ids",
      );
    },
    { covers: ["FRX-FED-004"] },
  ),
];
