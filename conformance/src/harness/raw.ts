import { sign } from "node:crypto";
import { createSigner, type PrivateJwk } from "@frx/spec";

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * Signs any header and payload exactly as given, to break one rule on purpose: a header
 * object is JSON-serialized as is (a string is taken as the header's raw text), the
 * payload bytes are used unchanged.
 *
 * @example rawJws({ alg: "EdDSA", typ: "frx-envelope+jws", kid }, canonicalize(env), key)
 */
export function rawJws(header: object | string, payload: string | Buffer, key: PrivateJwk): string {
  const h = typeof header === "string" ? header : JSON.stringify(header);
  const input = `${b64(h)}.${b64(payload)}`;
  const signature = sign(null, Buffer.from(input, "ascii"), createSigner(key).privateKey);
  return `${input}.${signature.toString("base64url")}`;
}

/** The standard envelope header for `key`. */
export function envelopeHeader(
  key: PrivateJwk,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { alg: "Ed25519", kid: createSigner(key).kid, typ: "frx-envelope+jws", ...extra };
}
