import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PublicJwk } from "@frx/spec";
import { lastCode, OperatorStepFailed, runShell } from "./operator-shell.js";

/**
 * The operator steps beyond the trust list's, with which the suite observes requirements that
 * only an operator can set in motion (docs/certification.md, "Operator steps"): registering and
 * changing agencies (FRX-FED-072, -085, -086, FRX-ADM-004), rotating and revoking their keys
 * (FRX-SIG-005, -006, -015, FRX-ADM-007, -009), dead letters (FRX-ADM-010, -011), and legal
 * holds and erasure by personRef (FRX-DP-006, -008, -009).
 */
export type OperatorStep =
  /** FILE: an agency registration (the shape of agencies.json's entries, without `status`). */
  | { step: "add-agency"; registration: Record<string, unknown> }
  /** FILE: `{id, …members to replace}`; `null` removes sanctionRegimes or procedures. */
  | { step: "update-agency"; change: Record<string, unknown> & { id: string } }
  | { step: "disable-agency"; id: string }
  /** ID FILE (the new public JWK): the agency's current keys retire as of now. */
  | { step: "rotate-agency-key"; id: string; publicJwk: PublicJwk }
  /** ID KID INSTANT: revoked as compromised as of INSTANT (passed as given, to be judged). */
  | { step: "revoke-agency-key"; id: string; kid: string; revokedAt: string }
  /** NAME FILE (a public JWK): a new operator key. */
  | { step: "add-operator"; name: string; publicJwk: PublicJwk }
  /** Prints the dead letters as a JSON array of `{peer, messageId, reason}`. */
  | { step: "list-dead-letters" }
  | { step: "retry-dead-letter"; peer: string; messageId: string }
  | { step: "discard-dead-letter"; peer: string; messageId: string }
  /** FILE: `{case, reason}`; prints the hold as a JSON object with its `id`. */
  | { step: "place-hold"; case: string; reason: string }
  /** FILE: `{case, hold}`. */
  | { step: "release-hold"; case: string; hold: string }
  /** FILE: `{personRef, reason}`; prints the erasure as a JSON object with `messages`, the ids erased. */
  | { step: "erase-person"; personRef: string; reason: string };

export type StepName = OperatorStep["step"];

/** Done (with the step's printed JSON, for the steps that print one), or refused with a code. */
export type StepOutcome =
  { done: true; output: unknown } | { done: false; code: string; message: string };

/** The exit code with which an operator command says it does not offer a step. */
export const NOT_OFFERED_EXIT = 3;

/** The operator does not offer this step: the tests that need it are skipped. */
export class StepNotOffered extends OperatorStepFailed {}

/** The steps whose command prints a JSON document on stdout when it succeeds. */
const PRINTS: ReadonlySet<StepName> = new Set(["list-dead-letters", "place-hold", "erase-person"]);

/** A step's arguments after its name; `file` is written to a file passed as the first one. */
function argumentsOf(s: OperatorStep): { args: string[]; file?: unknown } {
  switch (s.step) {
    case "add-agency":
      return { args: [], file: s.registration };
    case "update-agency":
      return { args: [], file: s.change };
    case "disable-agency":
      return { args: [s.id] };
    case "rotate-agency-key":
      return { args: [s.id], file: s.publicJwk };
    case "revoke-agency-key":
      return { args: [s.id, s.kid, s.revokedAt] };
    case "add-operator":
      return { args: [s.name], file: s.publicJwk };
    case "list-dead-letters":
      return { args: [] };
    case "retry-dead-letter":
    case "discard-dead-letter":
      return { args: [s.peer, s.messageId] };
    case "place-hold":
      return { args: [], file: { case: s.case, reason: s.reason } };
    case "release-hold":
      return { args: [], file: { case: s.case, hold: s.hold } };
    case "erase-person":
      return { args: [], file: { personRef: s.personRef, reason: s.reason } };
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;

/**
 * A step as a command line: `CMD STEP [ARG…] [FILE]`, FILE where the step takes a JSON
 * document, after its other arguments (`add-agency FILE`, `rotate-agency-key ID FILE`).
 * Exit 0: done (stdout is the step's JSON, for a step that prints one); exit 3: the step is not
 * offered; any other exit: refused, with the last FRX error code the command printed.
 *
 * @example await commandStep("sh kit/operator-reference-node.sh node-th")({ step: "list-dead-letters" })
 */
export function commandStep(command: string, timeoutMs = 30_000) {
  return async (s: OperatorStep): Promise<StepOutcome> => {
    const { args, file } = argumentsOf(s);
    const dir = await mkdtemp(join(tmpdir(), "frx-conf-step-"));
    try {
      const words = [...args];
      if (file !== undefined) {
        const path = join(dir, "input.json");
        await writeFile(path, JSON.stringify(file, null, 2) + "\n");
        words.push(path);
      }
      const line = [command, s.step, ...words.map(quote)].join(" ");
      const { code, output, stdout } = await runShell(line, timeoutMs);
      if (code === NOT_OFFERED_EXIT)
        throw new StepNotOffered(`the operator command does not offer the step ${s.step}`);
      if (code !== 0)
        return { done: false, code: lastCode(output), message: output.trim().slice(-500) };
      if (!PRINTS.has(s.step)) return { done: true, output: null };
      try {
        return { done: true, output: JSON.parse(stdout) as unknown };
      } catch {
        throw new OperatorStepFailed(
          `the operator command's step ${s.step} printed no JSON document: ${stdout.trim().slice(0, 300)}`,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
