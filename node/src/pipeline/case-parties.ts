import { FrxError, MessageType, type AnyMessage } from "@frx/spec";
import type { AppContext } from "../context.js";
import { caseOwner } from "../domain/consents.js";
import type { Address } from "../domain/directory.js";
import type { CaseRecord } from "../store/records.js";
import { resolveIn } from "./routing.js";

/**
 * Case authority (messages.md, "The parties of a case"; FRX-MSG-010, FRX-MSG-011): a message
 * naming a case this node holds must come from one of its parties here; one naming a case
 * unknown here, submitted by an agency of this node, must come from the agency its id names.
 * A destination node takes a case it does not hold yet from a peer: the sender's node judged
 * it. A node's own notice informs parties and is no party itself: its recipients must be ones.
 */
export function assertCaseParty(
  message: AnyMessage,
  origin: string | null,
  record: CaseRecord | undefined,
  localRecipients: string[],
  /** Recipients a node notice may reach without being parties: coordinators, for an escalation. */
  escalation: string[] = [],
): void {
  if (!message.case) return;
  if (message.from.endsWith(":NODE")) {
    const outsider = localRecipients.find(
      (p) => record && !record.parties.includes(p) && !escalation.includes(p),
    );
    if (outsider) throw notParty(`${outsider} is no party to case ${message.case} here`);
    return;
  }
  if (record) {
    if (record.parties.includes(message.from) || ownerOf(record) === message.from) return;
    throw notParty(`${message.from} is not a party to case ${message.case} at this node`);
  }
  if (origin === null && caseOwner(message.case) !== message.from)
    throw notParty(
      `case ${message.case} is not known here; only ${caseOwner(message.case)}, whose id opens it, may open it`,
    );
}

/** The case's owner now: the agency its id names, or the last accepted case.transfer's newOwner (FRX-MSG-003). */
export function ownerOf(record: CaseRecord): string {
  return record.owner ?? caseOwner(record.case);
}

/**
 * The parties a message adds to its case (FRX-MSG-010): its sender (unless a node) and every
 * agency it addresses. At the origin node, `recipients` are all resolved recipients; at a
 * destination they are this node's only, so agencies of other nodes come from the addresses:
 * named by id, or resolved in the peer's cached directory when it has one.
 */
export async function partiesAdded(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
  recipients: string[],
): Promise<string[]> {
  // A node's deadline notice informs; it makes no one a party, not even the coordinators it
  // escalates to, so a peer cannot widen who acts on a case here.
  if (message.type === MessageType.DeadlineReminder || message.type === MessageType.DeadlineOverdue)
    return [];
  const out = new Set(recipients);
  if (!message.from.endsWith(":NODE")) out.add(message.from);
  if (message.type === MessageType.CaseTransfer) out.add(message.body.newOwner);
  if (origin === null) return [...out];
  for (const a of message.to as Address[]) {
    if ("participant" in a) {
      out.add(a.participant);
      continue;
    }
    if (a.node === ctx.config.node) continue;
    const directory = await ctx.peers.get(a.node);
    if (directory) for (const p of resolveIn(directory, a, message.type)) out.add(p.id);
  }
  return [...out];
}

function notParty(detail: string): FrxError {
  return new FrxError("case.not-party", detail, [
    { pointer: "/case", code: "case.not-party", message: detail },
  ]);
}
