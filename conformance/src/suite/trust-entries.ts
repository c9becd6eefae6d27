import { generateKeyPairSync } from "node:crypto";
import { publicJwkOf, thumbprint, type PrivateJwk, type Types } from "@frx/spec";
import { same } from "../harness/check.js";
import { section } from "./define.js";
import { peerEnvelope, reply, sendAsPeer } from "./federation-support.js";
import {
  HOUR,
  applyNext,
  inForce,
  next,
  refused,
  signedBy,
  stranger,
  underControl,
  xa,
} from "./trust-chain.js";

/**
 * What a version says about one member's keys, applied through the operator: the node's own
 * entry (FRX-TRUST-029) and a peer's keys judged by their validity, not their status
 * (FRX-TRUST-021). Each test runs under a version XA alone can move on (trust-chain.ts).
 */
const t = section("federation/trust-entries", "federation");

type Member = Types.TrustListMember;
type SigningKey = Member["signingKeys"][number];

const keyEntry = (k: PrivateJwk, o: Partial<SigningKey>): SigningKey => {
  const p = publicJwkOf(k);
  return {
    jwk: { kty: "OKP", crv: "Ed25519", x: p.x, kid: p.kid!, use: "sig" },
    status: "current",
    notBefore: new Date(Date.now() - HOUR).toISOString(),
    ...o,
  };
};

const withEntry = (list: Types.TrustList, node: string, change: (m: Member) => Member) =>
  list.members.map((m) => (m.node === node ? change(m) : m));

export const trustEntryTests = [
  t("FRX-TRUST-029", async (h) =>
    underControl(h, async () => {
      const f = await inForce(h);
      const self = h.node.id;
      const x = generateKeyPairSync("x25519").publicKey.export({ format: "jwk" }) as { x: string };
      const otherEnc = { kty: "OKP" as const, crv: "X25519" as const, x: x.x };
      const versions: Array<[string, (m: Member) => Member]> = [
        [
          "a version listing a signing key the node does not hold",
          (m) => ({ ...m, signingKeys: [...m.signingKeys, keyEntry(stranger(), {})] }),
        ],
        [
          "a version leaving out the node's current signing key",
          (m) => ({ ...m, signingKeys: [keyEntry(stranger(), {})] }),
        ],
        [
          "a version giving the node another encryption key",
          (m) => ({
            ...m,
            encryptionKey: { ...otherEnc, kid: thumbprint(otherEnc), use: "enc" },
          }),
        ],
      ];
      // Signed by XA, which meets the quorum in force: only the node's own entry is wrong.
      for (const [what, change] of versions)
        await refused(
          h,
          what,
          signedBy(next(f, { members: withEntry(f.list, self, change) }), [xa(h)]),
          "trust.own-entry-mismatch",
        );
    }),
  ),

  t(
    "FRX-TRUST-021",
    async (h) =>
      underControl(h, async () => {
        const f = await inForce(h);
        const peer = h.kit.manifest.peer.node;
        const usual = xa(h);
        const later = stranger();
        const lapsed = stranger();
        // XA's usual key marked retired but valid for another hour, a key valid only from an
        // hour on, and one that stopped being valid ten minutes ago.
        await applyNext(h, "a version with three keys for XA", {
          members: withEntry(f.list, peer, (m) => ({
            ...m,
            signingKeys: [
              keyEntry(usual, {
                status: "retired",
                notBefore: m.signingKeys[0]!.notBefore,
                notAfter: new Date(Date.now() + HOUR).toISOString(),
              }),
              keyEntry(later, { notBefore: new Date(Date.now() + HOUR).toISOString() }),
              keyEntry(lapsed, {
                status: "retired",
                notBefore: new Date(Date.now() - 2 * HOUR).toISOString(),
                notAfter: new Date(Date.now() - HOUR / 6).toISOString(),
              }),
            ],
          })),
        });
        const r = await reply(h, await sendAsPeer(h, { envelopes: [peerEnvelope(h)] }));
        same(
          r.reply.results[0]?.status,
          "accepted",
          `a transaction signed with a key marked retired but valid now (${r.reply.results[0]?.code ?? "no code"})`,
        );
        for (const [signer, what] of [
          [later, "not yet valid"],
          [lapsed, "no longer valid"],
        ] as const) {
          const sent = await sendAsPeer(h, { envelopes: [peerEnvelope(h)], signer });
          same(
            sent.http.status === 200 ? "accepted" : h.problem(sent.http, "jws.key-retired").code,
            "jws.key-retired",
            `a transaction signed with an XA key ${what}`,
          );
        }
      }),
    { covers: ["FRX-TRUST-022"] },
  ),
];
