import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  FrxError,
  parseInstant,
  verifyTrustList,
  type SignedTrustList,
  type Types,
  type VerifiedTrustList,
} from "@frx/spec";
import { defaultConfig } from "../../config/config.js";
import type { FrxNode } from "../../node.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { describeVersion, readTrustListFile, writeFileAtomic } from "../trust-files.js";

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

interface Outcome {
  signed: SignedTrustList;
  digest: string;
  signedBy: string[];
  already: boolean;
  pinnedNow: boolean;
  self: string;
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

Verifies the trust list in FILE against the list in force at the node in DIR (or, for the
first list this node takes, against the digest pinned in config.json) and stores it, with an
audit entry. A running node uses it at once; a stopped one from its next start.
${BOTH_WAYS}

  --dir DIR             the node's data folder
  --in FILE             the signed trust list
  --pin                 FILE is the first list this node takes: the genesis (version 1), or
                        the version a new member joins at (FRX-TRUST-030). Pins its digest in
                        config.json first: compare frx-node trust digest with the other
                        members over an independent channel before you do. Refuses to
                        change a digest already pinned.
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    ...DIR_FLAG,
    in: { kind: "string", required: true },
    pin: { kind: "boolean" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const inFile = flags.string("in");
    const file = await readTrustListFile(inFile);
    const pin = flags.bool("pin");

    const offline = async (node: FrxNode, dir: string): Promise<Outcome> => {
      const { ctx } = node;
      const pinned = ctx.config.federation.genesisDigest;
      const outcome = (already: boolean, pinnedNow: boolean): Outcome => {
        const t = ctx.trust.list!;
        return {
          signed: t.signed,
          digest: t.digest,
          signedBy: t.signedBy,
          already,
          pinnedNow,
          self: ctx.config.node,
        };
      };
      if (pin && pinned !== null && pinned !== file.digest)
        throw new CliError(
          `this node has pinned genesis digest ${pinned} (the first list it took), and ${inFile} has digest ${file.digest}: refusing to change the pin${ctx.trust.list ? "; apply later versions without --pin" : ""}`,
        );
      if (ctx.trust.list?.digest === file.digest) return outcome(true, false);
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
      await applyOffline(node, file.signed);
      return outcome(false, pinnedNow);
    };
    const got = await runOperation<Outcome>(
      flags.string("dir"),
      io,
      "trust.apply",
      { signed: file.signed, pin },
      flags.optional("operator-key"),
      offline,
    );
    const outcome = {
      ...got,
      applied: {
        list: JSON.parse(
          Buffer.from(got.signed.payload, "base64url").toString(),
        ) as Types.TrustList,
      },
    };
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
        field("digest", outcome.digest),
        field("signed by", outcome.signedBy.join(", ") || "-"),
        field("members", list.members.map((m) => `${m.node} (${m.status})`).join(", ")),
        field("quorum", list.quorum),
        field("expires at", list.expiresAt),
        ...(pinnedNow ? ["pinned its digest as federation.genesisDigest in config.json"] : []),
        ...(already ? [] : ["a running node uses it now; a stopped one from its next start"]),
      ),
    );
    if (warnings.length > 0) io.stderr(lines(...warnings.map((w) => `warning: ${w}`)));
    return 0;
  },
};
