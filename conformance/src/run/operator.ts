import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SignedTrustList } from "@frx/spec";
import { lastCode, OperatorStepFailed, runShell } from "./operator-shell.js";
import { commandStep, type OperatorStep, type StepOutcome } from "./operator-steps.js";

export { OperatorStepFailed } from "./operator-shell.js";

/** What the node's operator did with a trust-list version the suite handed over. */
export type ApplyOutcome = { applied: true } | { applied: false; code: string; message: string };

/**
 * The operator steps some requirements need during a run: applying a trust-list version
 * (FRX-TRUST-005..013), and adding the node's own signature to one (so that a version the
 * suite proposes can meet the quorum: FRX-TRUST-015..029). A certifier passes a command
 * (`--operator CMD`); the self-tests pass functions.
 */
export interface OperatorHook {
  applyTrustList(signed: SignedTrustList): Promise<ApplyOutcome>;
  /** The version with the node's signature added; throws OperatorStepFailed when the operator cannot. */
  signTrustList(signed: SignedTrustList): Promise<SignedTrustList>;
  /**
   * The other steps (operator-steps.ts: agencies, their keys, dead letters, legal holds,
   * erasure); throws StepNotOffered when the operator does not offer the step.
   */
  step?(step: OperatorStep): Promise<StepOutcome>;
}

/**
 * The hook as a command: `CMD apply-trust-list FILE` (run by /bin/sh, CMD may hold arguments).
 * Exit 0: applied. Any other exit: refused, and the last FRX error code the command printed
 * (stdout or stderr; `frx-node` prints it in parentheses) is the refusal's code.
 *
 * `CMD sign-trust-list FILE` adds the node's signature to the version in FILE, in place; exit
 * 0 means signed, and the suite reads FILE back.
 *
 * The other steps are `CMD STEP [ARG…] [FILE]` (operator-steps.ts).
 *
 * @example commandHook("sh kit/operator-reference-node.sh node-th")
 */
export function commandHook(command: string, timeoutMs = 30_000): OperatorHook {
  return {
    async signTrustList(signed) {
      const dir = await mkdtemp(join(tmpdir(), "frx-conf-op-"));
      try {
        const file = join(dir, "trust-list.json");
        await writeFile(file, JSON.stringify(signed, null, 2) + "\n");
        const { code, output } = await runShell(`${command} sign-trust-list '${file}'`, timeoutMs);
        if (code !== 0)
          throw new OperatorStepFailed(
            `the operator command did not sign the version (exit ${code}): ${output.trim().slice(-300)}`,
          );
        return JSON.parse(await readFile(file, "utf8")) as SignedTrustList;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async applyTrustList(signed) {
      const dir = await mkdtemp(join(tmpdir(), "frx-conf-op-"));
      try {
        const file = join(dir, "trust-list.json");
        await writeFile(file, JSON.stringify(signed, null, 2) + "\n");
        const { code, output } = await runShell(`${command} apply-trust-list '${file}'`, timeoutMs);
        if (code === 0) return { applied: true };
        return {
          applied: false,
          code: lastCode(output),
          message: output.trim().slice(-500),
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    step: commandStep(command, timeoutMs),
  };
}
