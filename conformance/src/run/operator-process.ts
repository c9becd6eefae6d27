import { runShell } from "./operator-shell.js";
import { NOT_OFFERED_EXIT, StepNotOffered } from "./operator-steps.js";

/**
 * The operator steps on the node's process, for the requirements that speak of a restart or a
 * crash (FRX-RCPT-001, FRX-FED-040, FRX-FED-007, FRX-FED-089, FRX-API-032, FRX-FED-061): each
 * resolves once the node has been started again, and rejects with StepNotOffered (operator-steps.ts:
 * the test is skipped) or StepFailed (the node did not come back: the test fails).
 */
export interface ProcessSteps {
  /** Stops the node as its operator does for maintenance, and starts it again. */
  restart(): Promise<void>;
  /** Kills the node's process at once (SIGKILL: no clean-up), on a machine that keeps running, and starts it again. */
  crash(): Promise<void>;
}

/** The step ran and did not bring the node back (any other non-zero exit, or no exit in time). */
export class StepFailed extends Error {
  override readonly name = "StepFailed";
}

/** How long a step may take: a node replaying a large store may start slowly. */
export const STEP_TIMEOUT_MS = 120_000;

/**
 * The steps as a command: `CMD restart` and `CMD crash` (run by /bin/sh, CMD may hold
 * arguments; no further argument). Exit 0: the node was stopped (gracefully, or by SIGKILL)
 * and started again with the same configuration, store and address, and answers requests.
 * Exit 3: the operator does not offer this step. Any other exit: the node did not come back,
 * and what the command printed says why.
 *
 * @example await processSteps("sh kit/operator-reference-node.sh node-th").crash()
 */
export function processSteps(command: string, timeoutMs = STEP_TIMEOUT_MS): ProcessSteps {
  const step = async (name: "restart" | "crash") => {
    let outcome: { code: number; output: string };
    try {
      outcome = await runShell(`${command} ${name}`, timeoutMs);
    } catch (error) {
      throw new StepFailed(`the operator step ${name} did not finish: ${(error as Error).message}`);
    }
    const said = outcome.output.trim().slice(-500);
    if (outcome.code === NOT_OFFERED_EXIT)
      throw new StepNotOffered(`the operator command does not offer the step ${name}: ${said}`);
    if (outcome.code !== 0)
      throw new StepFailed(`the operator step ${name} failed (exit ${outcome.code}): ${said}`);
  };
  return { restart: () => step("restart"), crash: () => step("crash") };
}
