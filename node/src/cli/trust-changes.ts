import type { Types } from "@frx/spec";

type Member = Types.TrustListMember;

/** The keys of a member's signing keys, as "kid:x" (a kid alone could be copied onto another key). */
function keysOf(m: Member, status?: string): string {
  return m.signingKeys
    .filter((k) => status === undefined || k.status === status)
    .map((k) => `${k.jwk.kid}:${k.jwk.x}`)
    .join(",");
}

/**
 * What changed for one member between two versions, for the operator to check before anyone
 * signs; undefined when nothing did.
 *
 * @example memberChange(v1LA, v2LA) // "endpoint https://…; encryption key"
 */
export function memberChange(previous: Member, next: Member): string | undefined {
  const what: string[] = [];
  if (previous.status !== next.status) what.push(`${previous.status} → ${next.status}`);
  if (previous.name !== next.name) what.push("name");
  if (previous.endpoint !== next.endpoint) what.push(`endpoint ${next.endpoint}`);
  if (keysOf(previous, "current") !== keysOf(next, "current")) {
    const kids = next.signingKeys.filter((k) => k.status === "current").map((k) => k.jwk.kid);
    what.push(`signing key ${kids.join(",")}`);
  } else if (keysOf(previous) !== keysOf(next)) what.push("signing keys");
  if (
    previous.encryptionKey.kid !== next.encryptionKey.kid ||
    previous.encryptionKey.x !== next.encryptionKey.x
  )
    what.push("encryption key");
  return what.length > 0 ? what.join("; ") : undefined;
}

/** Every member added, changed or removed, and the list's own changes, one line each. */
export function listChanges(previous: Types.TrustList, next: Types.TrustList): string[] {
  const lines: string[] = [];
  for (const m of next.members) {
    const old = previous.members.find((p) => p.node === m.node);
    if (!old) lines.push(`+ ${m.node} added (${m.endpoint})`);
    else {
      const what = memberChange(old, m);
      if (what) lines.push(`~ ${m.node}: ${what}`);
    }
  }
  for (const p of previous.members)
    if (!next.members.some((m) => m.node === p.node)) lines.push(`- ${p.node} removed`);
  if (previous.quorum !== next.quorum) lines.push(`~ quorum ${previous.quorum} → ${next.quorum}`);
  return lines;
}
