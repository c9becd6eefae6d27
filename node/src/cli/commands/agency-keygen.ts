import { writeFile } from "node:fs/promises";
import { generateSigningKey } from "@frx/spec";
import type { Command } from "../command.js";
import { CliError, lines } from "../io.js";

export const agencyKeygenCommand: Command = {
  path: ["agency", "keygen"],
  summary: "make an agency signing key pair",
  usage: `Usage: frx-node agency keygen --out FILE

Writes a new Ed25519 private JWK to FILE (mode 0600; refuses to overwrite) for an agency's
system, and prints the public JWK on stdout: give that to the node operator for
frx-node agency add --key.

  --out FILE   where to write the private JWK
`,
  flags: { out: { kind: "string", required: true } },
  async run(flags, io) {
    const out = flags.string("out");
    const { privateJwk, publicJwk } = generateSigningKey();
    try {
      await writeFile(out, JSON.stringify(privateJwk, null, 2) + "\n", { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST")
        throw new CliError(`${out} exists; refusing to overwrite a key`);
      throw error;
    }
    io.stdout(lines(JSON.stringify(publicJwk, null, 2)));
    io.stderr(lines(`private key written to ${out} (kid ${publicJwk.kid}); keep it secret`));
    return 0;
  },
};
