import {
  DEFAULT_MAX_ENVELOPE_BYTES,
  FrxError,
  type AnyMessage,
  type PolicyParticipant,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { asPolicyParticipant, type Address } from "../domain/directory.js";
import type { ParticipantRecord } from "../store/records.js";

export type Recipient = PolicyParticipant & { toIndex: number };

export interface Routed {
  /** Participants of this node the envelope is delivered to. */
  local: Array<ParticipantRecord & { toIndex: number }>;
  /** Peer node → its participants the envelope addresses (resolved from the cached peer directory, for policy). */
  remote: Map<string, Recipient[]>;
}

/**
 * Resolves `to`. Addresses of this node resolve in its own directory. For an envelope from
 * a local agency, addresses of other nodes resolve in the peer's cached, signed directory
 * (so the policy judges real recipients before anything leaves) and go to that peer's
 * outbox; the peer resolves them again on arrival. An envelope from a peer is delivered to
 * this node's addressees only.
 */
export async function route(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
): Promise<Routed> {
  const addresses = message.to as Address[];
  const nodeOf = (a: Address) => ("participant" in a ? a.participant.slice(0, 2) : a.node);
  const mine = addresses.map((a, i) => ({ a, i })).filter(({ a }) => nodeOf(a) === ctx.config.node);
  const local =
    mine.length > 0
      ? (
          await ctx.directory.resolve(
            mine.map(({ a }) => a),
            message.type,
          )
        ).local.map((p) => ({
          ...p,
          toIndex: mine[p.toIndex]!.i,
        }))
      : [];
  const remote = new Map<string, Recipient[]>();
  if (origin !== null) {
    if (local.length === 0)
      throw unknown(0, `no recipient of this envelope is at ${ctx.config.node}`);
    return { local, remote };
  }
  for (const [i, a] of addresses.entries()) {
    const node = nodeOf(a);
    if (node === ctx.config.node) continue;
    const member = ctx.trust.list ? ctx.trust.member(node) : undefined;
    if (!member || member.status !== "active")
      throw unknown(i, `${node} is not an active member of the federation`);
    // Expired list: trust.list-expired; this node suspended (or unlisted): trust.member-suspended.
    ctx.trust.inForceFor(ctx.config.node);
    // Only the cached directory: fetchPeerDirectories ran before the serial section (FRX-FED-068).
    const directory = await ctx.peers.get(node);
    if (!directory)
      throw unknown(
        i,
        `${node}'s directory has not been fetched yet and ${node} is unreachable; try again later`,
      );
    const found = resolveIn(directory, a, message.type);
    if (found.length === 0)
      throw unknown(i, `no active participant at ${node} accepts ${message.type} at this address`);
    remote.set(node, [...(remote.get(node) ?? []), ...found.map((p) => ({ ...p, toIndex: i }))]);
  }
  return { local, remote };
}

/**
 * Refuses an envelope that addresses another node but is larger than a transaction may carry
 * (FRX-FED-070): this node's own limit may allow it at home, but it could never leave.
 */
export function assertCanTravel(ctx: AppContext, message: AnyMessage, jws: string): void {
  if (jws.length <= DEFAULT_MAX_ENVELOPE_BYTES) return;
  const i = (message.to as Address[]).findIndex(
    (a) => ("participant" in a ? a.participant.slice(0, 2) : a.node) !== ctx.config.node,
  );
  if (i < 0) return;
  const detail = `${jws.length} bytes: an envelope for another node carries at most ${DEFAULT_MAX_ENVELOPE_BYTES}`;
  throw new FrxError("envelope.too-large", detail, [
    { pointer: `/to/${i}`, code: "envelope.too-large", message: detail },
  ]);
}

/**
 * Fetches, before the envelope enters the serial section, the directory of each peer that an
 * address of it names, when none is cached or the cached one does not resolve the address
 * (FRX-FED-010, FRX-FED-056). A peer that is slow to answer then holds back only the envelopes
 * addressed to it, never this node's other traffic (FRX-FED-068); `route` reads the cache only.
 */
export async function fetchPeerDirectories(ctx: AppContext, message: AnyMessage): Promise<void> {
  const byNode = new Map<string, Address[]>();
  for (const a of message.to as Address[]) {
    const node = "participant" in a ? a.participant.slice(0, 2) : a.node;
    if (node === ctx.config.node) continue;
    const member = ctx.trust.list ? ctx.trust.member(node) : undefined;
    if (!member || member.status !== "active") continue;
    byNode.set(node, [...(byNode.get(node) ?? []), a]);
  }
  await Promise.all(
    [...byNode].map(async ([node, addresses]) => {
      const directory = await ctx.peers.ensure(node);
      if (directory && addresses.some((a) => resolveIn(directory, a, message.type).length === 0))
        // The peer may have registered the agency since: refetch once, unless within the cooldown.
        await ctx.peers.refreshIfDue(node);
    }),
  );
}

export function resolveIn(
  directory: Types.Directory,
  a: Address,
  type: string,
): PolicyParticipant[] {
  return directory.participants
    .filter(
      (p) =>
        p.status === "active" &&
        (p.acceptedTypes.length === 0 || (p.acceptedTypes as string[]).includes(type)),
    )
    .filter((p) =>
      "participant" in a
        ? p.id === a.participant
        : (!a.role || (p.roles as string[]).includes(a.role)) &&
          (!a.power || (p.powers as string[]).includes(a.power)),
    )
    .map((p) => ({
      id: p.id,
      node: directory.node,
      roles: p.roles,
      orgType: p.orgType,
      immigrationFunctions: p.immigrationFunctions,
    }));
}

function unknown(i: number, message: string): FrxError {
  return new FrxError("routing.recipient-unknown", message, [
    { pointer: `/to/${i}`, code: "routing.recipient-unknown", message },
  ]);
}

/** The sender as the policy sees it: a local participant, or one from the origin peer's directory. */
export async function senderOf(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
): Promise<PolicyParticipant> {
  if (origin === null)
    return asPolicyParticipant((await ctx.directory.get(message.from))!, ctx.config.node);
  // The peer node itself, for its notices: verified with its trust-list keys (FRX-FED-032). It
  // holds no role; verifyEnvelope lets <origin>:NODE send node notices only.
  if (message.from === `${origin}:NODE`) return { id: message.from, node: origin, roles: [] };
  const p = (await ctx.peers.get(origin))?.participants.find((x) => x.id === message.from);
  if (!p)
    throw new FrxError(
      "envelope.signer-mismatch",
      `${message.from} is not in ${origin}'s directory`,
    );
  // Peers' directories resolve the keys of disabled agencies too, so that they are refused by name (FRX-FED-034).
  if (p.status !== "active")
    throw new FrxError(
      "auth.participant-disabled",
      `${message.from} is disabled in ${origin}'s directory`,
    );
  return {
    id: p.id,
    node: origin,
    roles: p.roles,
    orgType: p.orgType,
    immigrationFunctions: p.immigrationFunctions,
  };
}
