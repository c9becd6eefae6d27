import { writeFile } from "node:fs/promises";
import { generateSigningKey, publicJwkOf } from "@frx/spec";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";
import { readOperatorFile } from "../operator-file.js";
import { readPublicJwk } from "../public-jwk.js";
import { signOperatorToken } from "../../http/auth/operator-token.js";
import { readNodeConfig } from "../node-dir.js";

export const operatorKeygenCommand: Command = {
  path: ["operator", "keygen"],
  summary: "make an operator key pair (not an agency key)",
  usage: `Usage: frx-node operator keygen --name NAME --out FILE

Writes a new operator key to FILE ({"name", "privateJwk"}, mode 0600) and prints its public
JWK, for frx-node operator add on the node. An operator key is refused as an agency key, and
an agency key as an operator key (admin.key-in-use).

  --name NAME   the operator's name (lower-case letters, digits, '.', '_', '-')
  --out FILE    where to write the private key (refuses to overwrite)
`,
  flags: { name: { kind: "string", required: true }, out: { kind: "string", required: true } },
  async run(flags, io) {
    const { privateJwk } = generateSigningKey();
    const name = flags.string("name");
    await writeFile(flags.string("out"), JSON.stringify({ name, privateJwk }, null, 2) + "\n", {
      mode: 0o600,
      flag: "wx",
    });
    io.stdout(lines(JSON.stringify(publicJwkOf(privateJwk), null, 2)));
    return 0;
  },
};

export const operatorAddCommand: Command = {
  path: ["operator", "add"],
  summary: "allow another operator to use the admin API",
  usage: `Usage: frx-node operator add --dir DIR --name NAME --key FILE

Registers FILE's public Ed25519 JWK as operator NAME's key, with an audit entry.
${BOTH_WAYS}

  --dir DIR             the node's data folder
  --name NAME           the new operator's name
  --key FILE            their public JWK (from frx-node operator keygen)
  --operator-key FILE   your operator key, for a running node
`,
  flags: {
    ...DIR_FLAG,
    name: { kind: "string", required: true },
    key: { kind: "string", required: true },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const added = await runOperation<{ name: string; kid: string }>(
      flags.string("dir"),
      io,
      "operator.add",
      { name: flags.string("name"), publicJwk: await readPublicJwk(flags.string("key")) },
      flags.optional("operator-key"),
    );
    io.stdout(lines(`operator ${added.name} added with key ${added.kid}`));
    return 0;
  },
};

export const operatorTokenCommand: Command = {
  path: ["operator", "token"],
  summary: "print a short-lived operator token (to sign in to the console)",
  usage: `Usage: frx-node operator token --dir DIR [--operator-key FILE] [--seconds N]

Prints an operator token for the node in DIR, valid N seconds (default 120, at most 300).
Paste it into the operator console's sign-in field; the console trades it for a session.

  --dir DIR             the node's data folder
  --operator-key FILE   the operator key (default DIR/operator.private.json)
  --seconds N           the token's lifetime
`,
  flags: { ...DIR_FLAG, ...OPERATOR_KEY_FLAG, seconds: { kind: "string" } },
  async run(flags, io) {
    const dir = flags.string("dir");
    const config = await readNodeConfig(dir);
    const operator = await readOperatorFile(dir, flags.optional("operator-key"));
    const seconds = flags.int("seconds", 1, 300) ?? 120;
    io.stdout(
      lines(
        await signOperatorToken(
          operator.privateJwk,
          operator.name,
          config.node,
          new Date(),
          seconds,
        ),
      ),
    );
    return 0;
  },
};
