import { MAX_DOCUMENT_BYTES } from "./bounds.js";
import { validatorFor, type BodyOf, type MessageType } from "@frx/spec";
import type { NodeDocuments } from "./documents.js";
import type { Http } from "./http.js";
import type { CallOptions, ResolvedOptions } from "./options.js";
import { invalid, verifySignedDocument } from "./signed-document.js";

/** One published decision: a legal entity and the sanction on it (a registry.entry body). */
export type RegistryEntry = BodyOf<typeof MessageType.RegistryEntry>;

/** The node's public sanctions registry, as the node signed it. */
export interface Registry {
  frx: "1";
  node: string;
  issuedAt: string;
  entries: RegistryEntry[];
}

const ENTRY = "https://spec.frx.example/v1/schemas/messages/registry.entry.json#/$defs/body";

/**
 * GET /v1/registry, verified: signed by the node's key (`frx-registry+jws`), for this node,
 * and every entry a valid registry.entry body (legal entities and decisions only).
 *
 * @example const { entries } = await fetchRegistry(http, docs, options)
 */
export async function fetchRegistry(
  http: Http,
  docs: NodeDocuments,
  o: Pick<ResolvedOptions, "node">,
  call: CallOptions = {},
): Promise<Registry> {
  const reply = await http.json<{ jws?: unknown }>({
    method: "GET",
    path: "/v1/registry",
    auth: false,
    maxBytes: MAX_DOCUMENT_BYTES,
    ...call,
  });
  const doc = (await verifySignedDocument(reply.jws, "frx-registry+jws", (kid) =>
    docs.nodeKey(kid, call),
  )) as Partial<Registry>;
  if (doc.frx !== "1" || doc.node !== o.node || typeof doc.issuedAt !== "string")
    throw invalid(`the registry is not node ${o.node}'s`);
  const valid = validatorFor(ENTRY);
  if (!Array.isArray(doc.entries) || !doc.entries.every((e) => valid(e)))
    throw invalid("a registry entry does not match the registry.entry body schema");
  return doc as Registry;
}
