import { FrxError } from "../errors.js";
import type { MessageType } from "../generated/codes.js";
import { machineDefinitions } from "../generated/data.js";

/** Who moves a machine: relative to the referral or investigation, not a global role. */
export type Actor =
  | "referrer"
  | "recipient"
  | "proposer"
  | "participant"
  | "claimant"
  | "imposer"
  | "node"
  | "outsider";

export interface Duration {
  workingDays?: number;
  hours?: number;
}

export interface DeadlineRule {
  kind: string;
  startsOn: MessageType;
  restartsOn?: MessageType[];
  metBy: MessageType[];
  due: Record<string, Duration>;
  remindAtFraction: number;
  escalateTo: string[];
}

export interface MachineDefinition {
  machine: string;
  description: string;
  create: MessageType;
  states: Record<string, { terminal: boolean; description: string }>;
  transitions: Array<{
    type: MessageType;
    from: string[];
    to: string;
    actors: Actor[];
    when?: string;
  }>;
  deadlines: DeadlineRule[];
}

export type MachineName = "referral" | "investigation" | "remedy" | "sanction";

/** @example machine("referral").states.received.terminal === false */
export function machine(name: MachineName): MachineDefinition {
  return machineDefinitions[name] as MachineDefinition;
}

/**
 * The common transition check: is `type` allowed from `state` for `actor`, and does the
 * message's sequence follow the current version? Returns the candidate transitions (more
 * than one when a `when` condition chooses, as for investigation.respond).
 */
export function checkTransition(
  def: MachineDefinition,
  state: string | undefined,
  version: number,
  type: MessageType,
  actor: Actor,
  sequence: number | undefined,
): MachineDefinition["transitions"] {
  const byType = def.transitions.filter((t) => t.type === type);
  if (byType.length === 0) throw new TypeError(`${type} does not move the ${def.machine} machine`);
  const from = state ?? null;
  const inState = byType.filter((t) =>
    from === null ? t.from.length === 0 : t.from.includes(from),
  );
  if (inState.length === 0) {
    throw new FrxError(
      state === undefined ? "state.referral-unknown" : "state.transition-forbidden",
      `${type} is not allowed when the ${def.machine} is ${from ?? "absent"}`,
    );
  }
  const allowed = inState.filter((t) => t.actors.includes(actor));
  if (allowed.length === 0) {
    throw new FrxError(
      "state.actor-forbidden",
      `${type} in state ${from ?? "absent"} may only be sent by ${inState[0]!.actors.join(" or ")}, not the ${actor}`,
    );
  }
  // Node-generated transitions (deadlines) carry no sequence of their own.
  if (actor !== "node") {
    const expected = version + 1;
    if ((sequence ?? (state === undefined ? 1 : undefined)) !== expected) {
      throw new FrxError(
        "state.sequence-conflict",
        `sequence must be ${expected}, is ${sequence ?? "missing"}`,
      );
    }
  }
  return allowed;
}

/** The message types `actor` may send now, in `state`. @example allowedIn(machine("referral"), "received", "recipient") */
export function allowedIn(
  def: MachineDefinition,
  state: string | undefined,
  actor: Actor,
): MessageType[] {
  const types = def.transitions
    .filter((t) => (state === undefined ? t.from.length === 0 : t.from.includes(state)))
    .filter((t) => t.actors.includes(actor) && actor !== "node")
    .map((t) => t.type);
  return [...new Set(types)];
}
