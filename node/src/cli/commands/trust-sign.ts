import { resolve } from "node:path";
import { findKey, isFrxError, signTrustList, verifyTrustList } from "@frx/spec";
import { nodeSigner } from "../../config/keys.js";
import { ownEntryProblems } from "../../federation/own-entry.js";
import { listChanges } from "../trust-changes.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { readNodeDir } from "../node-dir.js";
import {
  assumedVerified,
  describeVersion,
  isGenesis,
  readTrustListFile,
  trustListJson,
  writeFileAtomic,
  type TrustListFile,
} from "../trust-files.js";

export const trustSignCommand: Command = {
  path: ["trust", "sign"],
  summary: "add this node's signature to a trust list proposal",
  usage: `Usage: frx-node trust sign --dir DIR --in FILE [--out FILE] [--previous FILE]
                                 [--endpoint URL]

Adds this node's signature (its signing key in DIR/node-keys.json) to the trust list in
FILE and writes it back (or to --out). Compare the digest it prints with the proposer's
over an independent channel before passing the file on. For the genesis list, or with
--previous, it checks that this node may sign and says whether the list now meets its
quorum; a list whose other signatures do not verify is refused. With --previous it prints
what changed against that list. It refuses a list whose entry for this node gives it keys
that are not in DIR/node-keys.json, or an endpoint other than the one in force (at genesis:
the config's publicUrl + /federation/v1) unless --endpoint names the new one (FRX-TRUST-029).

  --dir DIR         the node's data folder (the node may be running)
  --in FILE         the trust list to sign
  --out FILE        write the signed list here instead of back to FILE
  --previous FILE   the list in force, whose active members must sign a later version
  --endpoint URL    this node's federation endpoint in the list, when it is a new one
`,
  flags: {
    ...DIR_FLAG,
    in: { kind: "string", required: true },
    out: { kind: "string" },
    previous: { kind: "string" },
    endpoint: { kind: "string" },
  },
  async run(flags, io) {
    const { config, keys } = await readNodeDir(resolve(flags.string("dir")));
    const inFile = flags.string("in");
    const file = await readTrustListFile(inFile);
    const { list } = file;
    const previousFile = flags.optional("previous");
    let previous: TrustListFile | undefined;
    if (previousFile !== undefined) {
      previous = await readTrustListFile(previousFile);
      if (list.version !== previous.list.version + 1 || list.previousDigest !== previous.digest)
        throw new CliError(
          `${inFile} (version ${list.version}) does not follow ${previousFile} (version ${previous.list.version}, digest ${previous.digest})`,
        );
    } else if (!isGenesis(list) && list.previousDigest === undefined) {
      throw new CliError(`${inFile} is version ${list.version} but names no previous version`);
    }
    const genesis = previous === undefined && isGenesis(list);
    const signer = nodeSigner(keys);

    // Who may sign: the genesis list's own active members, or the previous version's. A
    // signature by anyone else makes the whole list fail to verify (trust.member-unknown).
    const electorate = genesis ? list.members : previous?.list.members;
    if (electorate) {
      const active = electorate.filter((m) => m.status === "active");
      if (!findKey(active, signer.kid, list.issuedAt))
        throw new CliError(
          `this node (${config.node}, key ${signer.kid}) is not an active member of ${genesis ? "this genesis list" : `version ${previous!.list.version}`} with a key valid at ${list.issuedAt}, so it cannot sign ${describeVersion(list)}`,
        );
    }

    // This node's own entry: only this node knows its keys, and a quorum need not include it.
    const changes = previous ? listChanges(previous.list, list) : [];
    const problems = ownEntryProblems(list, config.node, keys);
    const entry = list.members.find((m) => m.node === config.node);
    const expected =
      previous?.list.members.find((m) => m.node === config.node)?.endpoint ??
      `${config.publicUrl.replace(/\/+$/, "")}/federation/v1`;
    if (entry && entry.endpoint !== expected && flags.optional("endpoint") !== entry.endpoint)
      problems.push(
        `its endpoint ${entry.endpoint} is not ${expected} (if this node moves there, sign with --endpoint ${entry.endpoint})`,
      );
    if (problems.length > 0)
      throw new CliError(
        lines(
          `refusing to sign ${describeVersion(list)}: its entry for this node (${config.node}) is not this node (trust.own-entry-mismatch):`,
          ...problems.map((p) => `  ${p}`),
          ...(changes.length > 0
            ? ["changes against the previous version:", ...changes.map((c) => `  ${c}`)]
            : []),
        ).trimEnd(),
      );

    const before = file.signed.signatures.length;
    const signed = signTrustList(file.signed, signer);
    const replaced = signed.signatures.length === before;
    let quorum: string;
    if (electorate) {
      try {
        const v = genesis
          ? verifyTrustList(signed, { pinnedDigest: file.digest })
          : verifyTrustList(signed, { previous: assumedVerified(previous!) });
        quorum = `met: signed by ${v.signedBy.join(", ")}`;
      } catch (error) {
        if (!isFrxError(error) || error.code !== "trust.quorum-not-met") throw error;
        quorum = `not yet met: ${error.message}`;
      }
    } else {
      quorum = "not checked (give --previous FILE, the list in force)";
    }

    const out = flags.optional("out") ?? inFile;
    await writeFileAtomic(out, trustListJson(signed));
    io.stdout(
      lines(
        `signed trust list ${describeVersion(list)} as ${config.node} (key ${signer.kid})${replaced ? ", replacing its earlier signature" : ""}`,
        field("digest", file.digest),
        field("signatures", signed.signatures.length),
        field("quorum", quorum),
        field("written to", out),
        ...(previous
          ? [
              changes.length > 0
                ? "changes against the previous version (check each before passing the file on):"
                : "no member changed against the previous version",
              ...changes.map((c) => `  ${c}`),
            ]
          : []),
      ),
    );
    return 0;
  },
};
