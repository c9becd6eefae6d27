import { sign } from "node:crypto";
import { canonicalize } from "../../src/codec/canonical-json.js";
import type { Signer } from "../../src/jws/keys.js";

/** Signs any header and payload bytes as they are: for vectors that must break one rule on purpose. */
export function rawSign(header: Record<string, unknown>, payload: string, signer: Signer): string {
  const input = `${b64(JSON.stringify(header))}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input, "ascii"), signer.privateKey).toString("base64url")}`;
}

export function envelopeHeader(
  signer: Signer,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { alg: "Ed25519", kid: signer.kid, typ: "frx-envelope+jws", ...overrides };
}

export function canonicalPayload(value: unknown): string {
  return canonicalize(value);
}

function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** An instant `seconds` after `iso`. */
export function plus(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
