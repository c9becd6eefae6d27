import { FrxError, messageTypeValues, powerValues } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { ParticipantRecord } from "../store/records.js";
import { adminChange, mandateOf } from "./participants.js";

/**
 * Changes an agency's name, powers, accepted types, sanction regimes or procedures. Its id, roles and organisation type
 * stay: the firewall and the peers' view of the agency depend on them, so a change there is
 * a new registration.
 */
export async function updateParticipant(
  ctx: AppContext,
  id: string,
  input: Record<string, unknown>,
  actor = "operator",
): Promise<ParticipantRecord> {
  const strings = (name: string, allowed: readonly string[]): string[] | undefined => {
    const v = input[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !allowed.includes(x)))
      throw new FrxError("request.malformed", `${name} must be a list from the spec's code list`);
    return v as string[];
  };
  const powers = strings("powers", powerValues);
  const acceptedTypes = strings("acceptedTypes", messageTypeValues);
  const name = input.name;
  if (name !== undefined && (typeof name !== "string" || name.length === 0))
    throw new FrxError("request.malformed", "name must be a non-empty string");
  let next!: ParticipantRecord;
  await adminChange(
    ctx,
    actor,
    `participant ${id} updated`,
    async () => {
      const current = await ctx.directory.get(id);
      if (!current) throw new FrxError("request.not-found", `${id} is not registered`);
      next = {
        ...current,
        ...(typeof name === "string" ? { name } : {}),
        ...(powers ? { powers } : {}),
        ...(acceptedTypes ? { acceptedTypes } : {}),
        // Replaced whole when given (FRX-FED-085), checked with the entry before it is stored.
        ...mandateOf(input),
        updatedAt: ctx.clock.now().toISOString(),
      };
      return [next];
    },
    async () => [await ctx.directory.get(id)],
  );
  return next;
}
