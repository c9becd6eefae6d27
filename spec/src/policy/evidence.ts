import type { MessageType } from "../generated/codes.js";
import { policyRules } from "../generated/data.js";

const rules = (
  policyRules as unknown as {
    evidence: { items: Partial<Record<MessageType, string>>; personLevelKinds: string[] };
  }
).evidence;

/**
 * The person-level evidence an envelope carries (policy.md, Rule 4; FRX-POL-038): each
 * evidence item of a person-level kind, and each attachment that no item of a kind that is
 * not person-level describes (a file of unknown content fails closed). Returned as JSON
 * pointers into the envelope.
 *
 * @example personLevelEvidence(message) // ["/body/items/1", "/attachments/1"]
 */
export function personLevelEvidence(message: {
  type: MessageType;
  body: Record<string, unknown>;
  attachments?: readonly unknown[];
}): string[] {
  const out: string[] = [];
  const at = rules.items[message.type];
  const items = at ? (message.body[at.split("/").pop()!] as unknown) : undefined;
  const recordDigests = new Set<string>();
  for (const [i, item] of (Array.isArray(items) ? items : []).entries()) {
    const { kind, sha256 } = (item ?? {}) as { kind?: unknown; sha256?: unknown };
    if (typeof kind !== "string" || rules.personLevelKinds.includes(kind)) out.push(`${at}/${i}`);
    else if (typeof sha256 === "string") recordDigests.add(sha256);
  }
  for (const [i, a] of (message.attachments ?? []).entries()) {
    const sha256 = (a as { sha256?: unknown } | null)?.sha256;
    if (typeof sha256 !== "string" || !recordDigests.has(sha256)) out.push(`/attachments/${i}`);
  }
  return out;
}
