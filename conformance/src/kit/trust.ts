import { generateKeyPairSync } from "node:crypto";
import {
  draftTrustList,
  generateSigningKey,
  publicJwkOf,
  thumbprint,
  type PrivateJwk,
  type SignedTrustList,
  type Types,
  type X25519Jwk,
} from "@frx/spec";

/** A node's key pair as the harness holds it: Ed25519 to sign, X25519 to receive. */
export interface NodeKeyPair {
  signing: PrivateJwk;
  encryption: X25519Jwk & { d: string };
}

/** @example const xa = generateNodeKeyPair() */
export function generateNodeKeyPair(): NodeKeyPair {
  const { privateJwk } = generateSigningKey();
  const x = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" }) as {
    x: string;
    d: string;
  };
  return { signing: privateJwk, encryption: { kty: "OKP", crv: "X25519", x: x.x, d: x.d } };
}

/**
 * A trust-list member entry for a harness node, its key valid from `notBefore`.
 * @example memberEntry("XA", keys, "http://127.0.0.1:7499/federation/v1", "active", since)
 */
export function memberEntry(
  node: string,
  keys: NodeKeyPair,
  endpoint: string,
  status: "active" | "suspended",
  notBefore: string,
): Types.TrustListMember {
  const sig = publicJwkOf(keys.signing);
  return {
    node,
    name: `FRX conformance harness node ${node}`,
    endpoint,
    signingKeys: [
      {
        jwk: { kty: "OKP", crv: "Ed25519", x: sig.x, kid: sig.kid!, use: "sig" },
        status: "current",
        notBefore,
      },
    ],
    encryptionKey: {
      kty: "OKP",
      crv: "X25519",
      x: keys.encryption.x,
      kid: thumbprint(keys.encryption),
      use: "enc",
    },
    status,
  };
}

/**
 * The genesis trust list the kit proposes: the harness members, and the node under test
 * when its entry is known. Every active member must sign a genesis list, and every
 * member's next version needs all of them (quorum = active members).
 */
export function genesisProposal(
  members: Types.TrustListMember[],
  issuedAt: Date,
  days = 30,
): SignedTrustList {
  return draftTrustList({
    frx: "1",
    version: 1,
    issuedAt: issuedAt.toISOString(),
    expiresAt: new Date(issuedAt.getTime() + days * 86_400_000).toISOString(),
    quorum: members.filter((m) => m.status === "active").length,
    members,
  });
}
