import type { Registration } from "./files.js";

/**
 * Settings the operator applies to the node under test for a certification run, in the
 * reference node's config.json shape: deadlines of seconds for `risk_to_life` referrals
 * (the suite uses that urgency only for its deadline scenario), a fast deadline scheduler,
 * federation retries fast enough to observe within the run, and no refusal rate limit (the
 * suite breaks rules on purpose, hundreds of times, from one address).
 */
export function configOverrides(): Record<string, unknown> {
  return {
    schedulerIntervalMs: 250,
    slaOverrides: {
      referral: {
        acknowledge: { risk_to_life: { hours: 0.001 } },
        decide: { risk_to_life: { hours: 0.002 } },
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
