import {
  checkRegistry,
  FrxError,
  MessageType,
  registryIdsNamed,
  validatorFor,
  type AnyMessage,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { MessageRecord, RegistryEntryRecord } from "../store/records.js";
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
  // Published in the sender's own name (FRX-POL-029): an entry naming no authority names the sender.
  if (message.type === MessageType.RegistryEntry) {
    const decision = body.decision as Record<string, unknown>;
    entry = { ...body, decision: { ...decision, authority: decision.authority ?? message.from } };
  }
  if (message.type === MessageType.SanctionNotify && body.publicListing === true) {
    entry = {
      entryId: body.sanctionId,
      entity: body.target,
      decision: {
        kind: body.kind,
        imposingAuthorityType: body.imposingAuthorityType,
        authority: body.imposingAuthority ?? message.from,
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

/**
 * The registry rules (FRX-POL-029 to FRX-POL-031) at this node: the sender's powers come from
 * this node's directory, or the origin peer's, and the issuer of an entry on record is the
 * sender of the stored message that published it. Throws the first violation's code, naming all.
 */
export async function assertRegistryRules(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
): Promise<void> {
  const ids = registryIdsNamed(message);
  if (ids.length === 0) return;
  const sender =
    origin === null
      ? await ctx.directory.get(message.from)
      : (await ctx.peers.get(origin))?.participants.find((p) => p.id === message.from);
  const issuers: Record<string, string> = {};
  for (const id of ids) {
    const record = await ctx.store.get<RegistryEntryRecord>("registry", id);
    if (!record) continue;
    const published = await ctx.store.get<MessageRecord>("messages", record.messageId);
    if (published) issuers[id] = published.from;
  }
  const violations = checkRegistry(message, { senderPowers: sender?.powers ?? [], issuers });
  if (violations.length > 0)
    throw new FrxError(
      violations[0]!.code,
      `refused by the registry rules: ${violations.map((v) => v.message).join("; ")}`,
      violations,
    );
}
