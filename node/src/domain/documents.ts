import { messageTypeValues, thumbprint, validateDocument, type Types } from "@frx/spec";
import { nodePublicKeys } from "../config/keys.js";
import type { AppContext } from "../context.js";
import type { ParticipantRecord } from "../store/records.js";
import { retentionPeriods } from "../privacy/retention.js";
import { publishedCalendar } from "./calendar-publish.js";

export const SOFTWARE = { name: "frx-node", version: "0.1.0" };

/** One participant as the directory publishes it. */
export function directoryParticipant(
  p: ParticipantRecord,
): Types.Directory["participants"][number] {
  return {
    id: p.id,
    name: p.name,
    roles: p.roles,
    orgType: p.orgType,
    immigrationFunctions: p.immigrationFunctions,
    powers: p.powers,
    acceptedTypes: p.acceptedTypes,
    // Mandate and procedures as the operator registered them (FRX-FED-085).
    ...(p.sanctionRegimes ? { sanctionRegimes: p.sanctionRegimes } : {}),
    ...(p.procedures ? { procedures: p.procedures } : {}),
    // A revoked key is removed from what peers see (FRX-SIG-006, FRX-ADM-008).
    keys: p.keys
      .filter((k) => !k.revokedAt)
      .map((k) => ({
        kty: "OKP",
        crv: "Ed25519",
        x: k.jwk.x,
        kid: k.kid,
        status: k.retiredAt ? "retired" : "current",
        ...(k.retiredAt ? { notAfter: k.retiredAt } : {}),
      })),
    status: p.status,
    coordinator: p.coordinator,
  } as Types.Directory["participants"][number];
}

/** The node's directory of its participants, validated against documents/directory.json. */
export async function directoryDocument(ctx: AppContext): Promise<Types.Directory> {
  const participants = await ctx.directory.list();
  const doc = {
    frx: "1",
    node: ctx.config.node,
    issuedAt: ctx.clock.now().toISOString(),
    participants: participants.map(directoryParticipant),
  };
  // The schema requires at least one participant; a node with none publishes an empty list unchecked.
  return (
    doc.participants.length > 0
      ? validateDocument<Types.Directory>("documents/directory.json", doc)
      : doc
  ) as Types.Directory;
}

/** The minor versions of FRX v1 this node implements (FRX-API-020, FRX-EVO-005). */
export const MINOR_VERSIONS = ["1.0"];

/**
 * /.well-known/frx-node: who this node is, where, with which keys and types. A node that has
 * a trust list publishes exactly the endpoint, signing keys (retired ones included, with
 * their validity) and encryption key that the list gives it (FRX-FED-002); one without a list
 * publishes its current signing key, valid from the instant the node first published it,
 * recorded in the store so that every copy of the metadata agrees (FRX-API-019).
 */
export async function nodeMetadata(ctx: AppContext): Promise<Types.NodeMetadata> {
  const keys = nodePublicKeys(ctx.keys);
  const member = ctx.trust.member(ctx.config.node);
  const doc = {
    frx: "1",
    node: ctx.config.node,
    name: ctx.config.name,
    software: SOFTWARE,
    protocolVersions: ["1"],
    minorVersions: MINOR_VERSIONS,
    endpoints: {
      agency: `${ctx.config.publicUrl}/v1`,
      federation: member?.endpoint ?? `${ctx.config.publicUrl}/federation/v1`,
    },
    signingKeys: member
      ? member.signingKeys.map((k) => structuredClone(k))
      : [
          {
            jwk: {
              kty: "OKP",
              crv: "Ed25519",
              x: keys.signing.x,
              kid: keys.signing.kid!,
              use: "sig",
            },
            status: "current",
            notBefore: await keyPublishedSince(ctx, keys.signing.kid!),
          },
        ],
    encryptionKey: member
      ? structuredClone(member.encryptionKey)
      : { ...keys.encryption, kid: thumbprint(keys.encryption), use: "enc" },
    // The periods it erases person-level content after (FRX-DP-005).
    retention: retentionPeriods(ctx.config.retention),
    // The working-day calendar its deadlines run on (FRX-DL-003, FRX-DL-004).
    calendar: publishedCalendar(ctx.config.calendar),
    acceptedTypes: [...messageTypeValues],
  };
  return validateDocument<Types.NodeMetadata>("documents/node-metadata.json", doc);
}

/** When this node first published its signing key `kid`: read, or recorded now, once. */
async function keyPublishedSince(ctx: AppContext, kid: string): Promise<string> {
  const key = `keySince!${kid}`;
  const known = await ctx.store.get<string>("meta", key);
  if (known) return known;
  return ctx.serial.run(async () => {
    const again = await ctx.store.get<string>("meta", key);
    if (again) return again;
    const at = ctx.clock.now().toISOString();
    await ctx.store.commit([{ type: "put", aggregate: "meta", key, value: at }]);
    return at;
  });
}
