import type { Role } from "../generated/codes.js";
import type { PolicyParticipant } from "./context.js";

/**
 * The capacities a recipient is addressed in (policy.md, FRX-POL-037): the role of the
 * address it was resolved from; for an address by participant id, or by power alone, its
 * roles only when it holds exactly one. A ministry that is both labour inspectorate and
 * victim-services provider, named by id, is addressed in no single capacity.
 *
 * @example capacitiesOf({ to: [{ node: "LA", role: "victim_services" }] }, molsw) // ["victim_services"]
 */
export function capacitiesOf(
  message: { to: readonly unknown[] },
  recipient: PolicyParticipant & { toIndex: number },
): readonly Role[] {
  const address = message.to[recipient.toIndex] as { role?: Role } | undefined;
  if (address?.role !== undefined)
    return recipient.roles.includes(address.role) ? [address.role] : [];
  return recipient.roles.length === 1 ? recipient.roles : [];
}
