import { writeFile } from "node:fs/promises";
import {
  draftTrustList,
  parseInstant,
  trustListDigest,
  validateDocument,
  type Types,
} from "@frx/spec";
import { memberChange } from "../trust-changes.js";
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

const DAY_MS = 86_400_000;

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

/**
 * A member's entry from its new file, keeping its history from the previous version: a key
 * it still lists keeps its earlier notBefore, and a key it no longer lists stays on as
 * retired (from `at`) so that what it signed still verifies.
 */
function updated(previous: Member, next: Member, at: string): Member {
  const keys = next.signingKeys.map((k) => {
    const old = previous.signingKeys.find((o) => o.jwk.kid === k.jwk.kid);
    return old && k.status === "current" && parseInstant(old.notBefore) < parseInstant(k.notBefore)
      ? { ...k, notBefore: old.notBefore }
      : k;
  });
  for (const old of previous.signingKeys)
    if (!keys.some((k) => k.jwk.kid === old.jwk.kid))
      keys.push({ ...old, status: "retired", notAfter: old.notAfter ?? at });
  return { ...next, signingKeys: keys };
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
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
    const twice = duplicates(entries.map((m) => m.node));
    if (twice.length > 0)
      throw new CliError(`the member files give ${twice.join(", ")} more than once`);
    const previous: TrustListFile | undefined =
      previousFile === undefined ? undefined : await readTrustListFile(previousFile);
    const issuedAt = nowInstant();
    const notes: string[] = [];

    const members: Member[] = previous ? structuredClone(previous.list.members) : [];
    for (const entry of entries) {
      if (remove.includes(entry.node))
        throw new CliError(`${entry.node} has a member file and is to be removed; choose one`);
      const i = members.findIndex((m) => m.node === entry.node);
      if (i === -1) {
        members.push(entry);
        if (previous) notes.push(`+ ${entry.node} added`);
        continue;
      }
      const next = updated(members[i]!, entry, issuedAt);
      const what = memberChange(members[i]!, next);
      if (what) notes.push(`~ ${entry.node}: ${what}`);
      members[i] = next;
    }
    for (const cc of [...suspend, ...remove])
      if (!members.some((m) => m.node === cc))
        throw new CliError(
          `${cc} is not a member of the list, so it cannot be suspended or removed`,
        );
    for (const cc of suspend) {
      const m = members.find((x) => x.node === cc)!;
      if (m.status !== "suspended") notes.push(`~ ${cc}: ${m.status} → suspended`);
      m.status = "suspended";
    }
    for (const cc of remove) notes.push(`- ${cc} removed`);
    const kept = members.filter((m) => !remove.includes(m.node));

    if (kept.length === 0) throw new CliError("the list would have no members");
    const sharedKeys = duplicates(
      kept.flatMap((m) => [...new Set(m.signingKeys.map((k) => k.jwk.kid))]),
    );
    if (sharedKeys.length > 0)
      throw new CliError(
        `signing key ${sharedKeys.join(", ")} is listed for more than one member; each node has its own`,
      );
    const active = kept.filter((m) => m.status === "active");
    if (active.length === 0) throw new CliError("the list would have no active members");
    const quorum = quorumFlag ?? previous?.list.quorum ?? Math.floor(active.length / 2) + 1;
    if (quorum > active.length)
      throw new CliError(
        `quorum ${quorum} is more than the ${active.length} active member(s): no later version could ever be accepted${quorumFlag === undefined ? "; give a smaller --quorum" : ""}`,
      );
    // A key only counts for signatures made at or after its notBefore; the genesis list is
    // signed by its own members, so their keys must be valid at issuedAt (clocks may differ).
    if (!previous)
      for (const m of active)
        if (
          !m.signingKeys.some(
            (k) => k.status === "current" && parseInstant(k.notBefore) <= parseInstant(issuedAt),
          )
        )
          throw new CliError(
            `${m.node}'s signing key is valid only from ${m.signingKeys[0]!.notBefore}, after this list's issuedAt ${issuedAt}: its signature would not count (is a clock ahead?)`,
          );

    const endpoints = duplicates(kept.map((m) => m.endpoint));
    for (const endpoint of endpoints)
      io.stderr(
        lines(
          `warning: ${kept
            .filter((m) => m.endpoint === endpoint)
            .map((m) => m.node)
            .join(" and ")} share the endpoint ${endpoint}`,
        ),
      );

    const list: Types.TrustList = {
      frx: "1",
      version: previous ? previous.list.version + 1 : 1,
      issuedAt,
      expiresAt: new Date(parseInstant(issuedAt) + days * DAY_MS)
        .toISOString()
        .replace(".000Z", "Z"),
      quorum,
      ...(previous ? { previousDigest: previous.digest } : {}),
      members: kept,
    };
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
        field("quorum", `${quorum} of ${active.length} active member(s), for the next version`),
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
