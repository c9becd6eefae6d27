import { FrxError, parseInstant, type Types } from "@frx/spec";
import { memberChange } from "./trust-changes.js";

type Member = Types.TrustListMember;

const DAY_MS = 86_400_000;

export interface ProposalInput {
  /** The list in force (absent for the genesis). */
  previous?: { list: Types.TrustList; digest: string };
  /** New or changed member entries, as `trust member` prints them (already validated). */
  entries: Member[];
  suspend: string[];
  remove: string[];
  quorum?: number;
  days: number;
  issuedAt: string;
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

/**
 * The next trust list version (or the genesis): the previous members, updated or added from
 * the entries, with suspensions and removals applied. Shared by `trust propose` and the admin
 * API; refuses with request.malformed what no quorum could ever accept.
 *
 * @example const { list, notes } = proposeTrustList({ previous, entries, suspend: [], remove: [], days: 365, issuedAt })
 */
export function proposeTrustList(input: ProposalInput): {
  list: Types.TrustList;
  notes: string[];
  warnings: string[];
  active: number;
} {
  const { previous, entries, suspend, remove, days, issuedAt } = input;
  const quorumFlag = input.quorum;
  const twice = duplicates(entries.map((m) => m.node));
  if (twice.length > 0)
    throw new FrxError(
      "request.malformed",
      `the member files give ${twice.join(", ")} more than once`,
    );
  const notes: string[] = [];

  const members: Member[] = previous ? structuredClone(previous.list.members) : [];
  for (const entry of entries) {
    if (remove.includes(entry.node))
      throw new FrxError(
        "request.malformed",
        `${entry.node} has a member file and is to be removed; choose one`,
      );
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
      throw new FrxError(
        "request.malformed",
        `${cc} is not a member of the list, so it cannot be suspended or removed`,
      );
  for (const cc of suspend) {
    const m = members.find((x) => x.node === cc)!;
    if (m.status !== "suspended") notes.push(`~ ${cc}: ${m.status} → suspended`);
    m.status = "suspended";
  }
  for (const cc of remove) notes.push(`- ${cc} removed`);
  const kept = members.filter((m) => !remove.includes(m.node));

  if (kept.length === 0) throw new FrxError("request.malformed", "the list would have no members");
  const sharedKeys = duplicates(
    kept.flatMap((m) => [...new Set(m.signingKeys.map((k) => k.jwk.kid))]),
  );
  if (sharedKeys.length > 0)
    throw new FrxError(
      "request.malformed",
      `signing key ${sharedKeys.join(", ")} is listed for more than one member; each node has its own`,
    );
  const active = kept.filter((m) => m.status === "active");
  if (active.length === 0)
    throw new FrxError("request.malformed", "the list would have no active members");
  const quorum = quorumFlag ?? previous?.list.quorum ?? Math.floor(active.length / 2) + 1;
  if (quorum > active.length)
    throw new FrxError(
      "request.malformed",
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
        throw new FrxError(
          "request.malformed",
          `${m.node}'s signing key is valid only from ${m.signingKeys[0]!.notBefore}, after this list's issuedAt ${issuedAt}: its signature would not count (is a clock ahead?)`,
        );

  const warnings = duplicates(kept.map((m) => m.endpoint)).map(
    (endpoint) =>
      `${kept
        .filter((m) => m.endpoint === endpoint)
        .map((m) => m.node)
        .join(" and ")} share the endpoint ${endpoint}`,
  );

  const list: Types.TrustList = {
    frx: "1",
    version: previous ? previous.list.version + 1 : 1,
    issuedAt,
    expiresAt: new Date(parseInstant(issuedAt) + days * DAY_MS).toISOString().replace(".000Z", "Z"),
    quorum,
    ...(previous ? { previousDigest: previous.digest } : {}),
    members: kept,
  };
  return { list, notes, warnings, active: active.length };
}
