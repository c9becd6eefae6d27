import { FrxError, instantMs, type PublicJwk } from "@frx/spec";
import type { AppContext } from "../context.js";
import { keyEntry } from "../domain/directory.js";
import type { MessageRecord, ParticipantRecord } from "../store/records.js";
import { adminChange, assertKeyFree } from "./participants.js";

export interface Revocation {
  record: ParticipantRecord;
  /** Envelopes signed with the key that this node stored at or after revokedAt: to be reviewed. */
  suspect: string[];
}

/**
 * Revokes a compromised agency key as of `revokedAt` (FRX-ADM-007 to FRX-ADM-009): it leaves
 * the published directory, every later envelope or token signed with it is refused with
 * `jws.key-revoked`, and what the node stored before revokedAt keeps its proof. The last key
 * an agency holds can be revoked only together with a replacement.
 *
 * @example await revokeParticipantKey(ctx, "TH:DOE", kid, "2026-12-07T09:00:00Z", newJwk)
 */
export async function revokeParticipantKey(
  ctx: AppContext,
  id: string,
  kid: string,
  revokedAt: string,
  replacement?: PublicJwk,
  actor = "operator",
): Promise<Revocation> {
  const revokedMs = instantMs(revokedAt);
  if (revokedMs === undefined)
    throw new FrxError("request.malformed", `revokedAt ${revokedAt} is not an instant`);
  if (revokedMs > ctx.clock.now().getTime())
    throw new FrxError(
      "request.malformed",
      `revokedAt ${revokedAt} is in the future: rotate the key instead, or revoke it as of now`,
    );
  let next!: ParticipantRecord;
  await adminChange(
    ctx,
    actor,
    `participant ${id} key ${kid} revoked as of ${revokedAt}`,
    async () => {
      const current = await ctx.directory.get(id);
      if (!current) throw new FrxError("request.not-found", `${id} is not registered`);
      const key = current.keys.find((k) => k.kid === kid);
      if (!key) throw new FrxError("request.not-found", `${id} holds no key ${kid}`);
      if (key.revokedAt) throw new FrxError("request.malformed", `key ${kid} is already revoked`);
      const at = ctx.clock.now().toISOString();
      const keys = current.keys.map((k) =>
        k.kid === kid
          ? { ...k, revokedAt: new Date(revokedMs).toISOString(), revokedRecordedAt: at }
          : k,
      );
      if (replacement) {
        const entry = keyEntry(replacement, at);
        if (current.keys.some((k) => k.kid === entry.kid))
          throw new FrxError("request.malformed", "the replacement key is already registered");
        await assertKeyFree(ctx, entry.kid, id);
        keys.push(entry);
      }
      if (!keys.some((k) => !k.revokedAt && !k.retiredAt))
        throw new FrxError(
          "request.malformed",
          `${kid} is ${id}'s last current key: revoke it together with a replacement key`,
        );
      next = { ...current, keys, updatedAt: at };
      return [next];
    },
    async () => [await ctx.directory.get(id)],
  );
  return { record: next, suspect: await suspectMessages(ctx, id, kid, revokedMs) };
}

/** Messages from `from` signed with `kid` that were stored at or after `sinceMs`. */
async function suspectMessages(
  ctx: AppContext,
  from: string,
  kid: string,
  sinceMs: number,
): Promise<string[]> {
  const out: string[] = [];
  // Streamed: a node's messages need not fit in memory at once.
  for await (const [, value] of ctx.store.iterate("messages")) {
    const m = value as MessageRecord;
    if (m.from !== from || (instantMs(m.receivedAt) ?? Infinity) < sinceMs) continue;
    const header = JSON.parse(Buffer.from(m.jws.split(".")[0]!, "base64url").toString()) as {
      kid?: string;
    };
    if (header.kid === kid) out.push(m.id);
  }
  return out;
}
