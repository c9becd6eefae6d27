import { validateDocument } from "@frx/spec";
import type { ClientWorld } from "./world.js";

/**
 * The stand-in node's answer to GET /v1/registry/lookup (api/registry-lookup.json): its own
 * registry for the query, signed with its node key, and XA's "answer", whose unsigned copy
 * lists a decision against the entity while its JWS is signed by a key XA's trust-list entry
 * does not have. A client that relies on XA's answer has not verified it (FRX-REG-008).
 *
 * @example c.json(lookupAnswer(world, { registrationNumber: "CONF-LOOKUP-0001", issuer: "TH" }))
 */
export function lookupAnswer(
  world: ClientWorld,
  query: { registrationNumber: string; issuer: string },
): unknown {
  const own = world.docs.registry(query).jws;
  const xa = world.foreignDocs;
  xa.registryFault = "stranger";
  xa.registryAuthority = world.foreign.agency;
  let forged: string;
  try {
    forged = xa.registry(query).jws;
  } finally {
    xa.registryFault = null;
    xa.registryAuthority = null;
  }
  const copy = (jws: string) =>
    JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8")) as unknown;
  return validateDocument("api/registry-lookup.json", {
    query,
    askedAt: new Date().toISOString(),
    results: [
      { node: world.node, status: "answered", registry: copy(own), jws: own },
      { node: world.foreign.node, status: "answered", registry: copy(forged), jws: forged },
    ],
  });
}
