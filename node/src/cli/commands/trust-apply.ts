import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  FrxError,
  parseInstant,
  verifyTrustList,
  type SignedTrustList,
  type VerifiedTrustList,
} from "@frx/spec";
import { defaultConfig } from "../../config/config.js";
import type { FrxNode } from "../../node.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { withOfflineNode } from "../node-dir.js";
import { describeVersion, isGenesis, readTrustListFile, writeFileAtomic } from "../trust-files.js";

/** Sets federation.genesisDigest in DIR/config.json, keeping the rest of the file as written. */
async function pinGenesis(dir: string, digest: string): Promise<void> {
  const path = join(dir, "config.json");
  const raw = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown> & {
    node: string;
    federation?: Record<string, unknown>;
  };
  raw.federation = { ...raw.federation, genesisDigest: digest };
  defaultConfig(raw.node, raw as Parameters<typeof defaultConfig>[1]);
  await writeFileAtomic(path, JSON.stringify(raw, null, 2) + "\n", 0o600);
}

/**
 * Verifies and stores the list with its audit entry. Not node.applyTrustList: that also
 * starts the outbox, which on a stopped node would start delivering from this process.
 */
async function applyOffline(node: FrxNode, signed: SignedTrustList): Promise<VerifiedTrustList> {
  const { ctx } = node;
  const { applied, commit } = await ctx.serial.run(async () => {
    const applied = await ctx.trust.apply(signed);
    const at = ctx.clock.now().toISOString();
    const detail = `trust list version ${applied.list.version} applied (digest ${applied.digest})`;
    return {
      applied,
      commit: ctx.store.commit(ctx.audit.append(at, { kind: "admin", actor: "operator", detail })),
    };
  });
  await commit;
  return applied;
}

export const trustApplyCommand: Command = {
  path: ["trust", "apply"],
  summary: "verify a trust list version and make it this node's list in force",
  usage: `Usage: frx-node trust apply --dir DIR --in FILE [--pin]

Verifies the trust list in FILE against the list in force at the stopped node in DIR (or,
for the genesis list, against the digest pinned in config.json) and stores it, with an
audit entry. The node uses it from its next start.

  --dir DIR   the node's data folder
  --in FILE   the signed trust list
  --pin       FILE is the genesis list: pin its digest in config.json first (compare
              frx-node trust digest with the other members over an independent channel
              before you do). Refuses to change a digest already pinned.
`,
  flags: { ...DIR_FLAG, in: { kind: "string", required: true }, pin: { kind: "boolean" } },
  async run(flags, io) {
    const inFile = flags.string("in");
    const file = await readTrustListFile(inFile);
    const pin = flags.bool("pin");
    if (pin && !isGenesis(file.list))
      throw new CliError(
        `--pin is for the genesis list (version 1); ${inFile} is version ${file.list.version}`,
      );

    const outcome = await withOfflineNode(flags.string("dir"), io, async (node, dir) => {
      const { ctx } = node;
      const pinned = ctx.config.federation.genesisDigest;
      if (pin && pinned !== null && pinned !== file.digest)
        throw new CliError(
          `this node has pinned genesis digest ${pinned}, and ${inFile} has digest ${file.digest}: refusing to change the pin`,
        );
      if (ctx.trust.list?.digest === file.digest)
        return { applied: ctx.trust.list, already: true, pinnedNow: false, self: ctx.config.node };
      let pinnedNow = false;
      if (pin && pinned === null) {
        // Verify before pinning, so a list that fails leaves config.json as it was.
        verifyTrustList(file.signed, { pinnedDigest: file.digest });
        await pinGenesis(dir, file.digest);
        ctx.config.federation.genesisDigest = file.digest;
        pinnedNow = true;
      }
      if (!ctx.trust.list && ctx.config.federation.genesisDigest === null)
        throw new FrxError(
          "trust.quorum-not-met",
          `no genesis digest is pinned in ${join(dir, "config.json")}: compare frx-node trust digest --in ${inFile} with the other members, then apply it with --pin`,
        );
      const applied = await applyOffline(node, file.signed);
      return { applied, already: false, pinnedNow, self: ctx.config.node };
    });

    const { applied, already, pinnedNow, self } = outcome;
    const { list } = applied;
    const status = list.members.find((m) => m.node === self)?.status;
    const warnings = [
      ...(parseInstant(list.expiresAt, "/expiresAt") <= Date.now()
        ? [
            `version ${list.version} expired at ${list.expiresAt}: federation stays off until a newer version is applied`,
          ]
        : []),
      ...(status === undefined ? [`this node (${self}) is not a member of this list`] : []),
      ...(status === "suspended"
        ? [`this node (${self}) is suspended in this list: it neither sends nor receives`]
        : []),
    ];
    io.stdout(
      lines(
        already
          ? `trust list ${describeVersion(list)} is already in force here; nothing to do`
          : `applied trust list ${describeVersion(list)}`,
        field("digest", applied.digest),
        field("signed by", applied.signedBy.join(", ") || "-"),
        field("members", list.members.map((m) => `${m.node} (${m.status})`).join(", ")),
        field("quorum", list.quorum),
        field("expires at", list.expiresAt),
        ...(pinnedNow ? ["pinned its digest as federation.genesisDigest in config.json"] : []),
        ...(already ? [] : ["the node uses it from its next start"]),
      ),
    );
    if (warnings.length > 0) io.stderr(lines(...warnings.map((w) => `warning: ${w}`)));
    return 0;
  },
};
