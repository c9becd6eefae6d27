import { publicJwkOf, thumbprint, validateDocument, type Types } from "@frx/spec";
import type { NodeConfig } from "../config/config.js";
import { nodePublicKeys, type NodeKeys } from "../config/keys.js";

/**
 * This node as a trust-list member: its endpoint, its current signing key valid from
 * `notBefore` (and the next one, once `frx-node node prepare-key` holds it, so that peers
 * know it before the node signs with it, FRX-TRUST-024), its X25519 encryption key, active —
 * what an operator hands the others before a trust list is proposed.
 *
 * @example memberEntry(config, keys, `${config.publicUrl}/federation/v1`, new Date().toISOString())
 */
export function memberEntry(
  config: Pick<NodeConfig, "node" | "name">,
  keys: NodeKeys,
  endpoint: string,
  notBefore: string,
): Types.TrustListMember {
  const { signing, encryption } = nodePublicKeys(keys);
  const entry: Types.TrustListMember = {
    node: config.node,
    name: config.name,
    endpoint,
    signingKeys: [
      {
        jwk: { kty: "OKP", crv: "Ed25519", x: signing.x, kid: signing.kid!, use: "sig" },
        status: "current",
        notBefore,
      },
      ...(keys.next
        ? [
            {
              jwk: {
                kty: "OKP" as const,
                crv: "Ed25519" as const,
                x: keys.next.x,
                kid: thumbprint(publicJwkOf(keys.next)),
                use: "sig" as const,
              },
              status: "current" as const,
              notBefore,
            },
          ]
        : []),
    ],
    encryptionKey: {
      kty: "OKP",
      crv: "X25519",
      x: encryption.x,
      kid: thumbprint(encryption),
      use: "enc",
    },
    status: "active",
  };
  return validateDocument<Types.TrustListMember>("documents/trust-list.json#/$defs/member", entry);
}
