import { createHash } from "node:crypto";
import {
  isCanonicalBase64url,
  parseCanonicalObject,
  validateDocument,
  verifyTrustList,
  type SignedTrustList,
  type Types,
  instantMs,
  parseInstant,
} from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { payloadOf } from "../harness/jws-text.js";
import { section } from "./define.js";

const t = section("federation/trust-list", "federation");
const FORBIDDEN = ["crit", "jku", "jwk", "x5u", "x5c", "b64", "zip"];

/** The list in force as the node serves it at GET /v1/trust-list. */
async function listInForce(h: Harness): Promise<{ digest: unknown; signed: SignedTrustList }> {
  const reply = await h.http.call("GET", "/v1/trust-list");
  check(reply.status === 200, `GET /v1/trust-list answered ${reply.status}`);
  const body = reply.json<{ digest?: unknown; trustList?: SignedTrustList }>();
  check(body.trustList && typeof body.trustList === "object", "no trustList in the answer");
  return { digest: body.digest, signed: body.trustList };
}

const headerOf = (b64: string) =>
  JSON.parse(Buffer.from(b64, "base64url").toString("utf8")) as Record<string, unknown>;

/** Whether a node signing key is valid at an instant (FRX-TRUST-021). */
function validAt(key: Types.TrustListMember["signingKeys"][number], at: number): boolean {
  return (
    (instantMs(key.notBefore) ?? Number.POSITIVE_INFINITY) <= at &&
    (key.notAfter === undefined || (instantMs(key.notAfter) ?? Number.NEGATIVE_INFINITY) >= at)
  );
}

export const trustTests = [
  t(
    "FRX-TRUST-001",
    async (h) => {
      const { digest, signed } = await listInForce(h);
      same(Object.keys(signed).sort(), ["payload", "signatures"], "the trust list's members");
      check(
        typeof signed.payload === "string" && isCanonicalBase64url(signed.payload),
        "the payload is not canonical unpadded base64url",
      );
      const list = await holds("the trust list payload", () =>
        validateDocument<Types.TrustList>(
          "documents/trust-list.json",
          parseCanonicalObject(Buffer.from(signed.payload, "base64url")),
        ),
      );
      check(Array.isArray(signed.signatures), "signatures is not an array");
      const nodeKids = new Set(h.node.member.signingKeys.map((k) => k.jwk.kid));
      let byNode = 0;
      for (const s of signed.signatures) {
        same(Object.keys(s).sort(), ["protected", "signature"], "a signature's members");
        const hd = await holds("a signature's protected header", () => headerOf(s.protected));
        same([hd.alg, hd.typ], ["Ed25519", "frx-trust-list+jws"], "a signature's alg and typ");
        check(typeof hd.kid === "string" && hd.kid !== "", "a signature names no kid");
        same(
          Object.keys(hd).filter((k) => FORBIDDEN.includes(k)),
          [],
          "forbidden header members",
        );
        if (nodeKids.has(hd.kid)) byNode++;
      }
      check(byNode <= 1, `the node signed the list in force ${byNode} times`);
      same(
        digest,
        createHash("sha256").update(Buffer.from(signed.payload, "base64url")).digest("hex"),
        "the digest the node gives: SHA-256 of the payload bytes, lower-case hex",
      );
      // The genesis verifies on its own: every active member signed it, keys valid at issuedAt.
      if (list.version === 1)
        await holds("the genesis in force", () =>
          verifyTrustList(signed, { pinnedDigest: String(digest) }),
        );
    },
    { covers: ["FRX-TRUST-002", "FRX-TRUST-003", "FRX-TRUST-004"] },
  ),

  t("FRX-TRUST-023", async (h) => {
    // Every object the node signs, with the time it is judged at (FRX-TRUST-022).
    const signedAt: Array<[string, string, number]> = [];
    const meta = await h.http.call("GET", "/.well-known/frx-node");
    const metaJws = meta.json<{ jws: string }>().jws;
    signedAt.push(["metadata", metaJws, Date.now()]);
    for (const [path, member] of [
      ["/v1/directory", "directory"],
      ["/v1/registry", "registry"],
    ] as const) {
      const jws = (await h.http.call("GET", path)).json<{ jws: string }>().jws;
      signedAt.push([member, jws, parseInstant(payloadOf(jws).issuedAt, `/${member}/issuedAt`)]);
    }
    const a = await h.accepted(h.sign(h.envelope("case-notify-ok")));
    signedAt.push([
      "receipt",
      a.receiptJws,
      parseInstant(a.receipt.receivedAt, "/receipt/receivedAt"),
    ]);
    for (const [what, jws, at] of signedAt) {
      const kid = headerOf(jws.split(".")[0]!).kid;
      const key = h.node.member.signingKeys.find((k) => k.jwk.kid === kid);
      check(
        key,
        `the ${what} is signed with kid ${String(kid)}, which the list in force does not give ${h.node.id}`,
      );
      check(
        validAt(key, at),
        `the ${what} is signed with ${String(kid)}, not valid at ${new Date(at).toISOString()}`,
      );
    }
  }),
];
