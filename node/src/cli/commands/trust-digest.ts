import type { Command } from "../command.js";
import { lines } from "../io.js";
import { describeVersion, readTrustListFile } from "../trust-files.js";

export const trustDigestCommand: Command = {
  path: ["trust", "digest"],
  summary: "print a trust list's SHA-256 digest, to compare before pinning",
  usage: `Usage: frx-node trust digest --in FILE

Prints the SHA-256 (hex) of the trust list in FILE, on stdout alone. It covers the list,
not the signatures, so it is the same before and after signing. Members compare it over
an independent channel (a call, not the channel the file came by) before signing or
pinning the genesis list.

  --in FILE   the trust list (proposal or signed)
`,
  flags: { in: { kind: "string", required: true } },
  async run(flags, io) {
    const { list, digest, signed } = await readTrustListFile(flags.string("in"));
    io.stdout(lines(digest));
    io.stderr(
      lines(
        `trust list ${describeVersion(list)}: ${list.members.length} member(s), ${signed.signatures.length} signature(s)`,
      ),
    );
    return 0;
  },
};
