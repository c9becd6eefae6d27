import {
  canonicalize,
  entityMatches,
  REGISTRY_TYP,
  signCompact,
  validateDocument,
  type RegistryDocument,
  type RegistryQuery,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { RegistryEntryRecord } from "../store/records.js";

const encoder = new TextEncoder();

/**
 * The node's public sanctions registry, signed (`frx-registry+jws`): whole, or, for a
 * question about one legal entity, its matching entries only with the question itself in the
 * signed document, so that the answer cannot stand for another question (FRX-REG-001).
 *
 * @example const { registry, jws } = await signedRegistry(ctx, { registrationNumber, issuer: "TH" })
 */
export async function signedRegistry(
  ctx: AppContext,
  query: RegistryQuery | null,
): Promise<{ registry: RegistryDocument; jws: string }> {
  const entries = (await ctx.store.range<RegistryEntryRecord>("registry"))
    .map(([, v]) => v.entry as RegistryDocument["entries"][number])
    .filter((entry) => query === null || entityMatches(entry.entity, query));
  const registry = validateDocument<RegistryDocument>("api/registry.json", {
    frx: "1",
    node: ctx.config.node,
    issuedAt: ctx.clock.now().toISOString(),
    ...(query ? { query } : {}),
    entries,
  });
  return {
    registry,
    jws: signCompact(encoder.encode(canonicalize(registry)), REGISTRY_TYP, ctx.signer),
  };
}
