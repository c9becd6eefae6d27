import type { agencyView } from "../../admin/operations-agencies.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import type { Command } from "../command.js";
import { lines } from "../io.js";
import { readPublicJwk } from "../public-jwk.js";

export const agencyRevokeKeyCommand: Command = {
  path: ["agency", "revoke-key"],
  summary: "revoke an agency key that has leaked (FRX-ADM-007)",
  usage: `Usage: frx-node agency revoke-key --dir DIR --id ID --kid KID [--as-of INSTANT] [--new-key FILE]

Revokes the agency's key KID as compromised, as of INSTANT (default now; never later than
now): from now on every envelope or token signed with it is refused (jws.key-revoked),
whatever time it claims; it leaves the directory peers see; envelopes this node stored
before INSTANT keep their proof. Envelopes stored since INSTANT are listed as suspect, for
review. An agency's last current key is revoked only together with a replacement (--new-key).
${BOTH_WAYS}

  --dir DIR             the node's data folder
  --id ID               the agency's id, e.g. TH:DOE
  --kid KID             the key id to revoke (frx-node agency list --json shows them)
  --as-of INSTANT       when the leak began, e.g. 2026-12-07T08:00:00Z (default now)
  --new-key FILE        the agency's replacement public Ed25519 JWK
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    dir: { kind: "string", required: true },
    id: { kind: "string", required: true },
    kid: { kind: "string", required: true },
    "as-of": { kind: "string" },
    "new-key": { kind: "string" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const id = flags.string("id");
    const kid = flags.string("kid");
    const newKey = flags.optional("new-key");
    const asOf = flags.optional("as-of");
    const { agency, suspect } = await runOperation<{
      agency: ReturnType<typeof agencyView>;
      suspect: string[];
    }>(
      flags.string("dir"),
      io,
      "agency.revoke-key",
      {
        id,
        kid,
        ...(asOf ? { revokedAt: asOf } : {}),
        ...(newKey ? { replacement: await readPublicJwk(newKey) } : {}),
      },
      flags.optional("operator-key"),
    );
    const revoked = agency.keys.find((k) => k.kid === kid)!;
    const current = agency.keys.filter((k) => k.status === "current").map((k) => k.kid);
    io.stdout(
      lines(
        `revoked ${id}'s key ${kid} as of ${revoked.revokedAt}`,
        `  current key(s): ${current.join(", ")}`,
        suspect.length === 0
          ? "  no envelope signed with it was stored since then"
          : `  ${suspect.length} envelope(s) signed with it were stored since then; review them: ${suspect.join(", ")}`,
      ),
    );
    return 0;
  },
};
