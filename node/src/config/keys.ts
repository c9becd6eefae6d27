import { generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createSigner,
  generateSigningKey,
  publicJwkOf,
  type PrivateJwk,
  type PublicJwk,
  type Signer,
} from "@frx/spec";

/** The node's own keys: Ed25519 for signing, X25519 for receiving encrypted federation payloads. */
export interface NodeKeys {
  signing: PrivateJwk;
  /** Earlier signing keys (public halves), kept so what they signed still verifies. */
  retired?: PublicJwk[];
  /**
   * A signing key held for a rotation: the trust list gives it to this node before the node
   * signs with it (FRX-TRUST-024), and a node accepts in its own entry only keys it holds.
   */
  next?: PrivateJwk;
  encryption: { kty: "OKP"; crv: "X25519"; x: string; d: string };
}

export function generateNodeKeys(): NodeKeys {
  const { privateJwk } = generateSigningKey();
  const x = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" }) as {
    x: string;
    d: string;
  };
  return { signing: privateJwk, encryption: { kty: "OKP", crv: "X25519", x: x.x, d: x.d } };
}

export async function writeNodeKeys(dir: string, keys: NodeKeys): Promise<void> {
  // "wx": never overwrite a node's existing keys.
  await writeFile(join(dir, "node-keys.json"), JSON.stringify(keys, null, 2) + "\n", {
    mode: 0o600,
    flag: "wx",
  });
}

export async function readNodeKeys(dir: string): Promise<NodeKeys> {
  return JSON.parse(await readFile(join(dir, "node-keys.json"), "utf8")) as NodeKeys;
}

export function nodeSigner(keys: NodeKeys): Signer {
  return createSigner(keys.signing);
}

export function nodePublicKeys(keys: NodeKeys): {
  signing: PublicJwk;
  encryption: { kty: "OKP"; crv: "X25519"; x: string };
} {
  return {
    signing: publicJwkOf(keys.signing),
    encryption: { kty: "OKP", crv: "X25519", x: keys.encryption.x },
  };
}
