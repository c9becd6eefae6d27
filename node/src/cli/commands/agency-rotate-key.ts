import type { agencyView } from "../../admin/operations-agencies.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import type { Command } from "../command.js";
import { lines } from "../io.js";
import { readPublicJwk } from "../public-jwk.js";

export const agencyRotateKeyCommand: Command = {
  path: ["agency", "rotate-key"],
  summary: "give an agency a new key and retire its current ones",
  usage: `Usage: frx-node agency rotate-key --dir DIR --id ID --key FILE

Adds FILE's public key to the agency and retires its current keys as of now: envelopes
signed before now still verify with the old key, later ones must use the new one. A key
registered to another agency or to an operator is refused (admin.key-in-use). For a key that
has leaked, use frx-node agency revoke-key instead. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --id ID               the agency's id, e.g. TH:DOE
  --key FILE            the agency's new public Ed25519 JWK
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    dir: { kind: "string", required: true },
    id: { kind: "string", required: true },
    key: { kind: "string", required: true },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const jwk = await readPublicJwk(flags.string("key"));
    const id = flags.string("id");
    const record = await runOperation<ReturnType<typeof agencyView>>(
      flags.string("dir"),
      io,
      "agency.rotate-key",
      { id, publicJwk: jwk },
      flags.optional("operator-key"),
    );
    const added = record.keys[record.keys.length - 1]!;
    const retired = record.keys.filter((k) => k.retiredAt === added.addedAt).map((k) => k.kid);
    io.stdout(
      lines(
        `${id} now signs with ${added.kid}`,
        ...retired.map((kid) => `  retired ${kid} as of ${added.addedAt}`),
      ),
    );
    return 0;
  },
};
