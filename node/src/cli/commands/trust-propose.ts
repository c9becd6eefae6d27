import { writeFile } from "node:fs/promises";
import {
  draftTrustList,
  isFrxError,
  trustListDigest,
  validateDocument,
  type Types,
} from "@frx/spec";
import { proposeTrustList } from "../trust-proposal.js";
import type { Command } from "../command.js";
import { CliError, field, lines, UsageError } from "../io.js";
import {
  describeVersion,
  nowInstant,
  readJsonFile,
  readTrustListFile,
  trustListJson,
  type TrustListFile,
} from "../trust-files.js";

type Member = Types.TrustListMember;

/** The member entries in FILE: one entry (as `trust member` prints it) or an array of them. */
async function readMembers(file: string): Promise<Member[]> {
  const raw = await readJsonFile(file, "a trust-list member entry");
  const entries = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  return entries.map((entry, i) => {
    try {
      return validateDocument<Member>("documents/trust-list.json#/$defs/member", entry);
    } catch (error) {
      const which = Array.isArray(raw) ? `${file} entry ${i}` : file;
      throw new CliError(
        `${which} is not a trust-list member entry (frx-node trust member prints one): ${(error as Error).message}`,
      );
    }
  });
}

export const trustProposeCommand: Command = {
  path: ["trust", "propose"],
  summary: "draft the next trust list version (unsigned) from member entries",
  usage: `Usage: frx-node trust propose --members FILE[,FILE…] --out FILE [--previous FILE]
                             [--quorum N] [--expires-in-days D] [--suspend CC,…] [--remove CC,…]

Writes an unsigned trust list proposal to FILE for the members to sign with
frx-node trust sign. Without --previous it is the genesis list (version 1), which every
member must sign and every node pins by digest. With --previous it is the next version:
the previous members, updated or added from the member files (a member's keys it no
longer lists stay on as retired), with suspensions and removals applied; a quorum of the
previous version's active members must sign it.

  --members FILE,…      member entries (frx-node trust member writes one per node; a file
                        may also hold an array); required for the genesis list
  --out FILE            where to write the proposal (refuses to overwrite a file)
  --previous FILE       the list in force, to propose its next version
  --quorum N            signatures of this version's active members needed for the next
                        version (default: the previous quorum, or a majority for genesis)
  --expires-in-days D   the list expires D days from now (default 365)
  --suspend CC,…        suspend these members (they neither send, receive nor count)
  --remove CC,…         remove these members from the list
`,
  flags: {
    members: { kind: "string" },
    out: { kind: "string", required: true },
    previous: { kind: "string" },
    quorum: { kind: "string" },
    "expires-in-days": { kind: "string" },
    suspend: { kind: "string" },
    remove: { kind: "string" },
  },
  async run(flags, io) {
    const quorumFlag = flags.int("quorum", 1, 50);
    const days = flags.int("expires-in-days", 1, 3650) ?? 365;
    const suspend = flags.list("suspend") ?? [];
    const remove = flags.list("remove") ?? [];
    const memberFiles = flags.list("members") ?? [];
    const previousFile = flags.optional("previous");
    if (previousFile === undefined) {
      if (memberFiles.length === 0)
        throw new UsageError("--members is required for the genesis list (no --previous)");
      if (suspend.length > 0 || remove.length > 0)
        throw new UsageError("--suspend and --remove change a previous list; give --previous");
    }
    const both = suspend.filter((cc) => remove.includes(cc));
    if (both.length > 0)
      throw new UsageError(`${both.join(", ")} cannot be both suspended and removed`);

    const entries = (await Promise.all(memberFiles.map(readMembers))).flat();
    const previous: TrustListFile | undefined =
      previousFile === undefined ? undefined : await readTrustListFile(previousFile);
    let proposal: ReturnType<typeof proposeTrustList>;
    try {
      proposal = proposeTrustList({
        ...(previous ? { previous } : {}),
        entries,
        suspend,
        remove,
        ...(quorumFlag === undefined ? {} : { quorum: quorumFlag }),
        days,
        issuedAt: nowInstant(),
      });
    } catch (error) {
      if (isFrxError(error)) throw new CliError(error.message);
      throw error;
    }
    const { list, notes } = proposal;
    const { quorum, members: kept } = list;
    for (const w of proposal.warnings) io.stderr(lines(`warning: ${w}`));
    const draft = draftTrustList(list);
    const out = flags.string("out");
    try {
      await writeFile(out, trustListJson(draft), { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST")
        throw new CliError(`${out} exists; refusing to overwrite it (it may hold signatures)`);
      throw error;
    }
    const digest = trustListDigest(draft);
    io.stdout(
      lines(
        `proposed trust list ${describeVersion(list)} in ${out} (unsigned)`,
        field("digest", digest),
        ...(previous ? [field("previous digest", previous.digest)] : []),
        field("issued at", list.issuedAt),
        field("expires at", list.expiresAt),
        field("quorum", `${quorum} of ${proposal.active} active member(s), for the next version`),
        field("members", kept.map((m) => `${m.node} (${m.status})`).join(", ")),
        ...notes.map((n) => `  ${n}`),
        previous
          ? `next: ${previous.list.quorum} active member(s) of version ${previous.list.version} sign it with frx-node trust sign --dir DIR --in ${out}`
          : `next: every member compares the digest, then signs: frx-node trust sign --dir DIR --in ${out}`,
      ),
    );
    return 0;
  },
};
