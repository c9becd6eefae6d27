import { readFile } from "node:fs/promises";
import { thumbprint, type PublicJwk } from "@frx/spec";
import { CliError } from "./io.js";

/**
 * Reads an agency's public Ed25519 JWK from a file. Refuses a private key (an operator
 * should never hold an agency's secret) and a `kid` that is not the key's thumbprint,
 * since agencies sign with the thumbprint as kid.
 *
 * @example const jwk = await readPublicJwk("doe.pub.json")
 */
export async function readPublicJwk(file: string): Promise<PublicJwk> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError(`cannot read a JWK from ${file}: ${(error as Error).message}`);
  }
  const jwk = raw as Partial<PublicJwk> & { d?: unknown };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new CliError(`${file} does not hold a JWK object`);
  if ("d" in jwk)
    throw new CliError(
      `${file} holds a private key; give the agency's public JWK (frx-node agency keygen prints it)`,
    );
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string")
    throw new CliError(
      `${file} is not an Ed25519 public JWK ({"kty":"OKP","crv":"Ed25519","x":…})`,
    );
  const kid = thumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  if (jwk.kid !== undefined && jwk.kid !== kid)
    throw new CliError(`${file}: kid ${String(jwk.kid)} is not the key's thumbprint ${kid}`);
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid };
}
