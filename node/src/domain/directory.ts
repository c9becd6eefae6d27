import type { KeyObject } from "node:crypto";
import {
  FrxError,
  importPublicKey,
  parseInstant,
  thumbprint,
  type PolicyParticipant,
  type PublicJwk,
  type ResolvedKey,
} from "@frx/spec";
import type { Store } from "../store/store.js";
import type { KeyIndexRecord, ParticipantRecord } from "../store/records.js";
import type { Op } from "../store/store.js";

export type Address = { participant: string } | { node: string; role?: string; power?: string };

/**
 * The node's participants (agencies): registration, keys, and resolution of addresses and
 * key ids. The directory is small and read on every envelope, so it is held in memory: loaded
 * from the store at start and changed only through putOps, whose ops the caller writes in the
 * same batch. Imported public keys are cached by kid.
 */
export class Directory {
  private readonly keyCache = new Map<string, KeyObject>();
  private readonly participants = new Map<string, ParticipantRecord>();
  private readonly kids = new Map<string, KeyIndexRecord>();

  constructor(
    private readonly store: Store,
    readonly node: string,
  ) {}

  /** Reads the participants and the kid index from the store (once, at start). */
  async load(): Promise<void> {
    for (const [id, p] of await this.store.range<ParticipantRecord>("participants"))
      this.participants.set(id, p);
    for (const [kid, k] of await this.store.range<KeyIndexRecord>("keys")) this.kids.set(kid, k);
  }

  get(id: string): Promise<ParticipantRecord | undefined> {
    return Promise.resolve(this.participants.get(id));
  }

  list(): Promise<ParticipantRecord[]> {
    return Promise.resolve([...this.participants.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  /** The key behind a kid, with its owner and retirement, for verifyEnvelope. */
  async resolveKey(kid: string): Promise<ResolvedKey | undefined> {
    const entry = this.kids.get(kid);
    if (!entry) return undefined;
    // Whatever time the object claims: its signer could backdate it (FRX-ADM-007).
    if (entry.revokedAt)
      throw new FrxError(
        "jws.key-revoked",
        `key ${kid} of ${entry.owner} was revoked as compromised`,
      );
    return this.keyOf(kid, entry);
  }

  /**
   * The key behind a kid for verifying what this node stored at `storedAt`: a revoked key
   * still proves what arrived before its revokedAt, and nothing after (FRX-ADM-008).
   */
  async resolveStoredKey(kid: string, storedAt: number): Promise<ResolvedKey | undefined> {
    const entry = this.kids.get(kid);
    if (!entry) return undefined;
    if (entry.revokedAt && storedAt >= parseInstant(entry.revokedAt)) return undefined;
    return this.keyOf(kid, entry);
  }

  /** The participant a kid is registered to, revoked keys included. */
  ownerOf(kid: string): string | undefined {
    return this.kids.get(kid)?.owner;
  }

  private async keyOf(kid: string, entry: KeyIndexRecord): Promise<ResolvedKey | undefined> {
    let key = this.keyCache.get(kid);
    if (!key) {
      const owner = await this.get(entry.owner);
      const jwk = owner?.keys.find((k) => k.kid === kid)?.jwk;
      if (!jwk) return undefined;
      key = importPublicKey(jwk);
      this.keyCache.set(kid, key);
    }
    return { key, owner: entry.owner, ...(entry.retiredAt ? { retiredAt: entry.retiredAt } : {}) };
  }

  /**
   * Resolves `to` addresses of this node to active participants. A participant address must
   * name a registered, active participant; a role/power address picks every active
   * participant having that role and power. Addresses of other nodes are returned as remote.
   */
  async resolve(
    addresses: readonly Address[],
    type?: string,
  ): Promise<{
    local: Array<ParticipantRecord & { toIndex: number }>;
    remote: Array<{ toIndex: number; address: Address }>;
  }> {
    const local: Array<ParticipantRecord & { toIndex: number }> = [];
    const remote: Array<{ toIndex: number; address: Address }> = [];
    const all = await this.list();
    for (const [toIndex, address] of addresses.entries()) {
      const node = "participant" in address ? address.participant.slice(0, 2) : address.node;
      if (node !== this.node) {
        remote.push({ toIndex, address });
        continue;
      }
      const matches =
        "participant" in address
          ? all.filter((p) => p.id === address.participant)
          : all.filter(
              (p) =>
                (!address.role || p.roles.includes(address.role)) &&
                (!address.power || p.powers.includes(address.power)),
            );
      // An empty acceptedTypes accepts every type (directory.json); otherwise the type must be listed (FRX-ENV-010).
      const accepts = (p: ParticipantRecord) =>
        type === undefined || p.acceptedTypes.length === 0 || p.acceptedTypes.includes(type);
      const active = matches.filter((p) => p.status === "active" && accepts(p));
      if (active.length === 0) {
        throw new FrxError(
          "routing.recipient-unknown",
          `no active participant at ${this.node} that accepts ${type ?? "this type"} matches ${JSON.stringify(address)}`,
          [
            {
              pointer: `/to/${toIndex}`,
              code: "routing.recipient-unknown",
              message: "no active participant matches this address",
            },
          ],
        );
      }
      for (const p of active) if (!local.some((l) => l.id === p.id)) local.push({ ...p, toIndex });
    }
    return { local, remote };
  }

  /** The ops that register a participant or replace its record, keeping the kid index in step. */
  putOps(record: ParticipantRecord, previous?: ParticipantRecord): Op[] {
    const ops: Op[] = [{ type: "put", aggregate: "participants", key: record.id, value: record }];
    this.participants.set(record.id, record);
    for (const k of previous?.keys ?? []) {
      if (!record.keys.some((n) => n.kid === k.kid)) {
        ops.push({ type: "del", aggregate: "keys", key: k.kid });
        this.kids.delete(k.kid);
      }
    }
    for (const k of record.keys) {
      const index: KeyIndexRecord = {
        owner: record.id,
        ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}),
        ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
      };
      ops.push({ type: "put", aggregate: "keys", key: k.kid, value: index });
      this.kids.set(k.kid, index);
      this.keyCache.delete(k.kid);
    }
    return ops;
  }

  /** The coordinator(s) that receive escalations. */
  async coordinators(): Promise<ParticipantRecord[]> {
    return (await this.list()).filter(
      (p) => p.status === "active" && (p.coordinator || p.roles.includes("national_coordinator")),
    );
  }
}

/** The policy's view of a participant. */
export function asPolicyParticipant(p: ParticipantRecord, node: string): PolicyParticipant {
  return {
    id: p.id,
    node: p.id.slice(0, 2) || node,
    roles: p.roles as PolicyParticipant["roles"],
    orgType: p.orgType,
    immigrationFunctions: p.immigrationFunctions,
  };
}

export function keyEntry(jwk: PublicJwk, at: string): ParticipantRecord["keys"][number] {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new FrxError("request.malformed", "an agency key must be an Ed25519 OKP public JWK");
  }
  const kid = thumbprint(jwk);
  return { jwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, kid }, kid, addedAt: at };
}
