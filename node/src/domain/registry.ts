import { MessageType, validatorFor, type AnyMessage } from "@frx/spec";
import type { Op } from "../store/store.js";

const ENTRY_BODY = "https://spec.frx.example/v1/schemas/messages/registry.entry.json#/$defs/body";

/**
 * Entries for the node's public sanctions registry: a registry.entry as sent, or one derived
 * from a sanction.notify that asks for public listing. Either way the entry holds the legal
 * entity and the decision only (the registry.entry body schema admits nothing else), and is
 * checked against that schema before it is published.
 */
export function registryOps(message: AnyMessage, at: string): Op[] {
  const body = message.body as Record<string, unknown>;
  let entry: Record<string, unknown> | null = null;
  if (message.type === MessageType.RegistryEntry) entry = body;
  if (message.type === MessageType.SanctionNotify && body.publicListing === true) {
    entry = {
      entryId: body.sanctionId,
      entity: body.target,
      decision: {
        kind: body.kind,
        imposingAuthorityType: body.imposingAuthorityType,
        ...(body.imposingAuthority ? { authority: body.imposingAuthority } : {}),
        status: body.status,
        decidedOn: body.decidedOn ?? at.slice(0, 10),
        legalReference: body.legalReference,
        ...(body.effectiveFrom ? { effectiveFrom: body.effectiveFrom } : {}),
        ...(body.until ? { until: body.until } : {}),
      },
      status: body.status === "withdrawn" ? "lifted" : "published",
      publishedAt: at,
    };
  }
  if (!entry) return [];
  const valid = validatorFor(ENTRY_BODY);
  if (!valid(entry))
    throw new TypeError(
      `registry entry derived from ${message.type} does not match the registry.entry body: ${JSON.stringify(valid.errors)}`,
    );
  return [
    {
      type: "put",
      aggregate: "registry",
      key: String(entry.entryId),
      value: { id: entry.entryId, publishedAt: at, messageId: message.id, entry },
    },
  ];
}
