import { ADMIN_OPERATIONS, type FrxNode } from "@frx/node";
import { isFrxError } from "@frx/spec";
import type { OperatorStep, StepOutcome } from "../../src/index.js";

/** The admin operation and input of each step, as the kit's operator-reference-node.sh runs it. */
function operationOf(s: OperatorStep): [string, Record<string, unknown>] {
  switch (s.step) {
    case "add-agency":
      return ["agency.add", s.registration];
    case "update-agency":
      return ["agency.update", s.change];
    case "disable-agency":
      return ["agency.disable", { id: s.id }];
    case "rotate-agency-key":
      return ["agency.rotate-key", { id: s.id, publicJwk: s.publicJwk }];
    case "revoke-agency-key":
      return ["agency.revoke-key", { id: s.id, kid: s.kid, revokedAt: s.revokedAt }];
    case "add-operator":
      return ["operator.add", { name: s.name, publicJwk: s.publicJwk }];
    case "list-dead-letters":
      return ["dead-letter.list", {}];
    case "retry-dead-letter":
      return ["dead-letter.retry", { peer: s.peer, messageId: s.messageId }];
    case "discard-dead-letter":
      return ["dead-letter.discard", { peer: s.peer, messageId: s.messageId }];
    case "place-hold":
      return ["hold.place", { case: s.case, reason: s.reason }];
    case "release-hold":
      return ["hold.release", { case: s.case, hold: s.hold }];
    case "erase-person":
      return ["erasure.person", { personRef: s.personRef, reason: s.reason }];
  }
}

/**
 * The agency, key and dead-letter steps at the in-process reference node: the same admin
 * operations `frx-node` runs for the kit's script, called directly (no admin listener here).
 */
export function inProcessSteps(node: FrxNode) {
  return async (s: OperatorStep): Promise<StepOutcome> => {
    const [name, input] = operationOf(s);
    const op = ADMIN_OPERATIONS.find((o) => o.name === name);
    if (!op) throw new TypeError(`no admin operation ${name}`);
    try {
      const result = await op.run(node, input, "operator:conformance");
      const prints = ["list-dead-letters", "place-hold", "erase-person"].includes(s.step);
      // What the command prints: the operation's answer as JSON (frx-node admin call).
      return { done: true, output: prints ? JSON.parse(JSON.stringify(result)) : null };
    } catch (error) {
      // The admin API answers an operation's TypeError (a bad input member) with request.malformed.
      if (error instanceof TypeError)
        return { done: false, code: "request.malformed", message: error.message };
      if (!isFrxError(error)) throw error;
      return { done: false, code: error.code, message: error.message };
    }
  };
}
