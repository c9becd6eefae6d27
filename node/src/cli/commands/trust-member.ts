import { resolve } from "node:path";
import { memberEntry } from "../../federation/member-entry.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines, UsageError } from "../io.js";
import { readNodeDir } from "../node-dir.js";
import { nowInstant, writeFileAtomic } from "../trust-files.js";

export const trustMemberCommand: Command = {
  path: ["trust", "member"],
  summary: "print this node's trust-list member entry",
  usage: `Usage: frx-node trust member --dir DIR [--endpoint URL] [--out FILE]

Prints (or writes to FILE) this node's entry for the federation trust list, as JSON: node
id, name, federation endpoint, current signing key (valid from now), encryption key, status
active. It holds public keys only. Send it to the member proposing the next list.

  --dir DIR        the node's data folder
  --endpoint URL   the federation API's base URL as peers reach it
                   (default: the config's publicUrl + /federation/v1)
  --out FILE       write the entry to FILE instead of printing it
`,
  flags: { ...DIR_FLAG, endpoint: { kind: "string" }, out: { kind: "string" } },
  async run(flags, io) {
    const given = flags.optional("endpoint");
    if (given !== undefined && (!URL.canParse(given) || !/^https?:$/.test(new URL(given).protocol)))
      throw new UsageError(`--endpoint must be an http(s) URL, not ${given}`);
    const { config, keys } = await readNodeDir(resolve(flags.string("dir")));
    const endpoint = (given ?? `${config.publicUrl.replace(/\/+$/, "")}/federation/v1`).replace(
      /\/+$/,
      "",
    );
    const entry = memberEntry(config, keys, endpoint, nowInstant());
    const json = JSON.stringify(entry, null, 2) + "\n";
    const out = flags.optional("out");
    if (out === undefined) {
      io.stdout(json);
      return 0;
    }
    await writeFileAtomic(out, json);
    io.stdout(
      lines(
        `member entry for ${entry.node} written to ${out}`,
        `  endpoint ${entry.endpoint}, signing key ${entry.signingKeys[0]!.jwk.kid}`,
      ),
    );
    return 0;
  },
};
