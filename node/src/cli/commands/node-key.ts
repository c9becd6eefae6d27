import type { PublicJwk } from "@frx/spec";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";

export const nodePrepareKeyCommand: Command = {
  path: ["node", "prepare-key"],
  summary: "make the node's next signing key, to be listed in the trust list first",
  usage: `Usage: frx-node node prepare-key --dir DIR

Makes a new node signing key and holds it in node-keys.json as "next", without signing with
it. Then frx-node trust member prints this node's entry with it; propose, sign and apply a
trust list version listing it (FRX-TRUST-024), then frx-node node rotate-key. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const { next } = await runOperation<{ next: PublicJwk }>(
      flags.string("dir"),
      io,
      "node.prepare-key",
      {},
      flags.optional("operator-key"),
    );
    io.stdout(lines(`next signing key ${next.kid} held in node-keys.json`, JSON.stringify(next)));
    return 0;
  },
};

export const nodeRotateKeyCommand: Command = {
  path: ["node", "rotate-key"],
  summary: "sign with the prepared key from now on; keep the old one for verification",
  usage: `Usage: frx-node node rotate-key --dir DIR

Switches the node to the key made by frx-node node prepare-key, once the trust list in force
lists it for this node: the node signs with it from now on, the old key stays in
node-keys.json as retired so what it signed still verifies, with an audit entry. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const r = await runOperation<{ signingKey: string; retired: string[] }>(
      flags.string("dir"),
      io,
      "node.rotate-key",
      {},
      flags.optional("operator-key"),
    );
    io.stdout(lines(`the node now signs with ${r.signingKey}; retired: ${r.retired.join(", ")}`));
    return 0;
  },
};
