import { FrxError } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Aggregate } from "../store/db.js";
import type { Op } from "../store/store.js";
import { isSealed, reseal, sealedKeyId } from "./seal.js";
import { envelopeAad, sealEnvelope } from "./envelopes.js";
import { SealedFileAttachmentStore } from "./sealed-attachments.js";

/** The aggregates whose values carry a sealed envelope in `jws`, with the message id beside it. */
const SEALED: Aggregate[] = ["messages", "outbox", "deadLetters"];

/**
 * Makes a new data key current while the node runs (FRX-DP-003): new content is sealed with
 * it at once, older content stays readable with the keys kept, and `reencrypt` moves it.
 */
export async function rotateDataKey(
  ctx: AppContext,
  actor: string,
): Promise<{ current: string; held: string[] }> {
  const ring = await ctx.dataKeySource.rotate(ctx.clock.now());
  const { commit } = await ctx.serial.run(() => {
    ctx.dataKeys = ring;
    return Promise.resolve({
      commit: ctx.store.commit(
        ctx.audit.append(ctx.clock.now().toISOString(), {
          kind: "admin",
          actor,
          detail: `data key ${ring.currentId} made current; held for reading: ${ring.ids().slice(1).join(", ")}`,
        }),
      ),
    });
  });
  await commit;
  return { current: ring.currentId, held: ring.ids() };
}

const BATCH = 200;

/**
 * Seals every stored envelope and attachment file again under the current key (and seals
 * what was stored before encryption at rest), in small batches through the node's queue so
 * the node keeps serving. Returns how many values and files changed.
 */
export async function reencrypt(
  ctx: AppContext,
  actor: string,
): Promise<{ records: number; files: number }> {
  let records = 0;
  for (const aggregate of SEALED) {
    let pending: Array<[string, { messageId?: string; id?: string; jws: string }]> = [];
    const flush = async (): Promise<void> => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      const { commit } = await ctx.serial.run(async () => {
        const ops: Op[] = [];
        for (const [key] of batch) {
          // Read again inside the queue: the value may have changed (erased, settled) meanwhile.
          const current = await ctx.store.get<{ messageId?: string; id?: string; jws: string }>(
            aggregate,
            key,
          );
          if (!current?.jws) continue;
          const id = current.messageId ?? current.id!;
          const jws = isSealed(current.jws)
            ? reseal(ctx.dataKeys, current.jws, envelopeAad(id))
            : sealEnvelope(ctx.dataKeys, id, current.jws);
          if (jws !== current.jws)
            ops.push({ type: "put", aggregate, key, value: { ...current, jws } });
        }
        records += ops.length;
        return { commit: ops.length > 0 ? ctx.store.commit(ops) : Promise.resolve() };
      });
      await commit;
    };
    for await (const [key, value] of ctx.store.iterate(aggregate)) {
      const v = value as { jws?: unknown };
      if (typeof v.jws !== "string" || v.jws === "") continue;
      if (isSealed(v.jws) && sealedKeyId(v.jws) === ctx.dataKeys.currentId) continue;
      pending.push([key, value as { jws: string }]);
      if (pending.length >= BATCH) await flush();
    }
    await flush();
  }
  let files = 0;
  if (ctx.attachments instanceof SealedFileAttachmentStore)
    for (const [key] of await ctx.store.range("attachments", { gte: "meta!", lt: "meta!~" }))
      if (await ctx.attachments.reseal(key.slice("meta!".length))) files++;
  const { commit } = await ctx.serial.run(() =>
    Promise.resolve({
      commit: ctx.store.commit(
        ctx.audit.append(ctx.clock.now().toISOString(), {
          kind: "admin",
          actor,
          detail: `re-encrypted ${records} record(s) and ${files} attachment file(s) under data key ${ctx.dataKeys.currentId}`,
        }),
      ),
    }),
  );
  await commit;
  return { records, files };
}

/** How many stored values and attachment files are still sealed with data key `id`. */
async function sealedWith(
  ctx: AppContext,
  id: string,
): Promise<{ records: number; files: number }> {
  let records = 0;
  for (const aggregate of SEALED)
    for await (const [, value] of ctx.store.iterate<{ jws?: unknown }>(aggregate))
      if (isSealed(value.jws) && sealedKeyId(value.jws) === id) records++;
  let files = 0;
  if (ctx.attachments instanceof SealedFileAttachmentStore)
    for (const [key] of await ctx.store.range("attachments", { gte: "meta!", lt: "meta!~" }))
      if ((await ctx.attachments.keyIdOf(key.slice("meta!".length))) === id) files++;
  return { records, files };
}

/**
 * Forgets an old data key (FRX-DP-003): refused with `dp.key-in-use` while it is current or
 * any stored value or attachment file is still sealed with it (run `reencrypt` first). Once
 * retired, whatever was sealed with it elsewhere (an old backup, a snapshot taken before an
 * erasure) cannot be opened. A file still arriving from a peer under that key is fetched again.
 */
export async function retireDataKey(
  ctx: AppContext,
  id: string,
  actor: string,
): Promise<{ current: string; held: string[] }> {
  if (!ctx.dataKeys.key(id))
    throw new FrxError("request.not-found", `this node holds no data key ${JSON.stringify(id)}`);
  if (id === ctx.dataKeys.currentId)
    throw new FrxError("dp.key-in-use", `data key ${id} is the current key: rotate first`);
  const { records, files } = await sealedWith(ctx, id);
  if (records + files > 0)
    throw new FrxError(
      "dp.key-in-use",
      `data key ${id} still seals ${records} stored record(s) and ${files} attachment file(s): run data-key reencrypt first`,
    );
  const ring = await ctx.dataKeySource.retire(id);
  const { commit } = await ctx.serial.run(() => {
    ctx.dataKeys = ring;
    return Promise.resolve({
      commit: ctx.store.commit(
        ctx.audit.append(ctx.clock.now().toISOString(), {
          kind: "admin",
          actor,
          detail: `data key ${id} retired; held: ${ring.ids().join(", ")}`,
        }),
      ),
    });
  });
  await commit;
  return { current: ring.currentId, held: ring.ids() };
}
