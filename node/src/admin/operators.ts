import { FrxError, thumbprint, type PublicJwk } from "@frx/spec";
import type { AppContext } from "../context.js";
import { keyEntry } from "../domain/directory.js";
import { assertKeyFree } from "./participants.js";

/** A person allowed to administer this node, with the public half of their Ed25519 key. */
export interface OperatorRecord {
  name: string;
  kid: string;
  jwk: PublicJwk;
  addedAt: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The operator holding `kid`, if any. */
export async function operatorByKid(
  ctx: AppContext,
  kid: string,
): Promise<OperatorRecord | undefined> {
  const name = await ctx.store.get<string>("operators", `kid!${kid}`);
  return name === undefined ? undefined : ctx.store.get<OperatorRecord>("operators", `op!${name}`);
}

export async function listOperators(ctx: AppContext): Promise<OperatorRecord[]> {
  return (await ctx.store.range<OperatorRecord>("operators", { gte: "op!", lt: "op!~" })).map(
    ([, o]) => o,
  );
}

/**
 * Registers an operator key (FRX-ADM-004: never one an agency or another operator holds),
 * with its audit entry, through the node's one queue.
 *
 * @example await addOperator(ctx, "ops-alice", publicJwk)
 */
export async function addOperator(
  ctx: AppContext,
  name: string,
  jwk: PublicJwk,
  actor = "operator",
): Promise<OperatorRecord> {
  if (!NAME.test(name))
    throw new FrxError(
      "request.malformed",
      "an operator name is 1 to 64 lower-case letters, digits, '.', '_' or '-'",
    );
  const entry = keyEntry(jwk, ctx.clock.now().toISOString());
  const record: OperatorRecord = {
    name,
    kid: thumbprint(entry.jwk),
    jwk: entry.jwk,
    addedAt: entry.addedAt,
  };
  const { commit } = await ctx.serial.run(async () => {
    if (await ctx.store.get("operators", `op!${name}`))
      throw new FrxError("request.malformed", `operator ${name} already exists`);
    await assertKeyFree(ctx, record.kid, `operator:${name}`);
    const ops = ctx.audit.append(record.addedAt, {
      kind: "admin",
      actor,
      detail: `operator ${name} added with key ${record.kid}`,
    });
    ops.push(
      { type: "put", aggregate: "operators", key: `op!${name}`, value: record },
      { type: "put", aggregate: "operators", key: `kid!${record.kid}`, value: name },
    );
    return { commit: ctx.store.commit(ops) };
  });
  await commit;
  return record;
}
