import type { Registration } from "./files.js";
import { operatorStepLines } from "./operator-step-lines.js";

/**
 * Settings the operator applies to the node under test for a certification run, in the
 * reference node's config.json shape: deadlines of seconds for `risk_to_life` referrals
 * (the suite uses that urgency only for its deadline scenario), a fast deadline scheduler,
 * federation retries fast enough to observe within the run, and no refusal rate limit (the
 * suite breaks rules on purpose, hundreds of times, from one address). With `metricsToken`,
 * the token /metrics on the public listener then needs (FRX-ADM-013; kit.json's secrets hold it
 * for the test).
 */
export function configOverrides(metricsToken?: string): Record<string, unknown> {
  return {
    ...(metricsToken === undefined ? {} : { metricsToken }),
    schedulerIntervalMs: 250,
    slaOverrides: {
      referral: {
        acknowledge: { risk_to_life: { hours: 0.001 } },
        // Decide's level 2 (43.2 s) comes long after acknowledge's (7.2 s): FRX-REF-010's late
        // acknowledgement must land before the decide deadline expires the referral again,
        // on a loaded machine too (at 7.2 s and 14.4 s it did not, under load 21).
        decide: { risk_to_life: { hours: 0.006 } },
      },
    },
    rateLimit: { sourceRefusalsPerSecond: 0, agencyRefusalsPerSecond: 0 },
    federation: {
      backoffBaseMs: 100,
      backoffCapMs: 1000,
      requestTimeoutMs: 3000,
      directoryCooldownMs: 0,
    },
  };
}

const quote = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;

/** A shell script with the `frx-node agency add` (and `agency disable`) lines for the kit's agencies. */
export function registerScript(registration: Registration[]): string {
  const lines = [
    "#!/bin/sh",
    "# Registers the FRX conformance harness agencies at a stopped reference node.",
    "# Usage: sh register-reference-node.sh NODE_DIR   (FRX_NODE overrides the frx-node command)",
    "set -eu",
    'DIR="${1:?usage: register-reference-node.sh NODE_DIR}"',
    'KIT="$(cd "$(dirname "$0")" && pwd)"',
    'FRX_NODE="${FRX_NODE:-frx-node}"',
    "",
  ];
  for (const r of registration) {
    const code = r.id.split(":")[1]!;
    const flags = [
      `--dir "$DIR"`,
      `--id ${r.id}`,
      `--name ${quote(r.name)}`,
      `--roles ${r.roles.join(",")}`,
      `--org-type ${r.orgType}`,
      `--key "$KIT/agency-keys/${code}.jwk.json"`,
      ...(r.powers.length > 0 ? [`--powers ${r.powers.join(",")}`] : []),
      ...(r.immigrationFunctions ? ["--immigration-functions"] : []),
    ];
    lines.push(`$FRX_NODE agency add ${flags.join(" \\\n  ")}`);
    if (r.status === "disabled") lines.push(`$FRX_NODE agency disable --dir "$DIR" --id ${r.id}`);
  }
  lines.push("", 'echo "registered the conformance agencies at $DIR"', "");
  return lines.join("\n");
}

/**
 * The operator step script for the reference node, for `run --operator "sh operator-reference-node.sh DIR"`
 * (the steps: docs/certification.md, "Operator steps"). It applies a trust-list version at the
 * running node with `frx-node trust apply`, which prints the refusal's code in parentheses and
 * exits 1 when the node refuses it, and adds the node's signature to a version with `frx-node
 * trust sign` (which refuses a version whose entry for the node is not the node,
 * FRX-TRUST-029). The other steps (agencies, keys, dead letters, holds, erasure) are the node's own commands, with
 * `frx-node admin call` where the step hands over a JSON document; a step it does not know
 * exits 3 (not offered).
 */
export function operatorScript(): string {
  return [
    "#!/bin/sh",
    "# The operator steps of frx-conformance run --operator, for the reference node.",
    "# Usage: sh operator-reference-node.sh NODE_DIR STEP [ARG...]",
    '#        (the steps: docs/certification.md, "Operator steps"; FRX_NODE overrides frx-node)',
    "set -eu",
    'DIR="${1:?usage: operator-reference-node.sh NODE_DIR STEP [ARG...]}"',
    'STEP="${2:?a step, e.g. apply-trust-list FILE}"',
    "shift 2",
    'FRX_NODE="${FRX_NODE:-frx-node}"',
    'case "$STEP" in',
    '  apply-trust-list) exec $FRX_NODE trust apply --dir "$DIR" --in "$1" ;;',
    '  sign-trust-list) exec $FRX_NODE trust sign --dir "$DIR" --in "$1" ;;',
    ...operatorStepLines(),
    '  *) echo "operator-reference-node.sh: no step $STEP here" >&2; exit 3 ;;',
    "esac",
    "",
  ].join("\n");
}
