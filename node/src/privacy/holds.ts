import { FrxError } from "@frx/spec";
import type { AppContext } from "../context.js";

/** A legal hold on a case (FRX-DP-008): an investigation or proceedings still open. */
export interface LegalHold {
  id: string;
  case: string;
  reason: string;
  placedBy: string;
  placedAt: string;
}

/** Holds live in `meta`, one per case: `hold!<case>`. */
export const holdKey = (caseId: string): string => `hold!${caseId}`;

export function holdOf(
  ctx: AppContext,
  caseId: string | undefined,
): Promise<LegalHold | undefined> {
  return caseId === undefined
    ? Promise.resolve(undefined)
    : ctx.store.get<LegalHold>("meta", holdKey(caseId));
}

export async function listHolds(ctx: AppContext): Promise<LegalHold[]> {
  return (await ctx.store.range<LegalHold>("meta", { gte: "hold!", lt: "hold!~" })).map(
    ([, v]) => v,
  );
}

/** Places a hold, recorded and audited with it (FRX-DP-007); a case holds one at a time. */
export async function placeHold(
  ctx: AppContext,
  caseId: string,
  reason: string,
  actor: string,
): Promise<LegalHold> {
  if (reason.length === 0 || reason.length > 500)
    throw new FrxError("request.malformed", "a legal hold needs a reason of 1 to 500 characters");
  const { commit, hold } = await ctx.serial.run(async () => {
    if (!(await ctx.store.get("cases", caseId)))
      throw new FrxError("request.not-found", `no case ${caseId} at this node`);
    const existing = await holdOf(ctx, caseId);
    if (existing) return { commit: Promise.resolve(), hold: existing };
    const at = ctx.clock.now().toISOString();
    const hold: LegalHold = { id: ctx.ids(), case: caseId, reason, placedBy: actor, placedAt: at };
    return {
      hold,
      commit: ctx.store.commit([
        { type: "put", aggregate: "meta", key: holdKey(caseId), value: hold },
        ...ctx.audit.append(at, {
          kind: "admin",
          actor,
          detail: `legal hold ${hold.id} placed on case ${caseId}: ${reason}`,
        }),
      ]),
    };
  });
  await commit;
  return hold;
}

/** Releases a hold by its id; erasure due in the case proceeds at the next run. */
export async function releaseHold(
  ctx: AppContext,
  caseId: string,
  holdId: string,
  actor: string,
): Promise<void> {
  const { commit } = await ctx.serial.run(async () => {
    const hold = await holdOf(ctx, caseId);
    if (!hold || hold.id !== holdId)
      throw new FrxError("dp.hold-unknown", `no legal hold ${holdId} on case ${caseId}`);
    const at = ctx.clock.now().toISOString();
    return {
      commit: ctx.store.commit([
        { type: "del", aggregate: "meta", key: holdKey(caseId) },
        ...ctx.audit.append(at, {
          kind: "admin",
          actor,
          detail: `legal hold ${holdId} on case ${caseId} released`,
        }),
      ]),
    };
  });
  await commit;
}
