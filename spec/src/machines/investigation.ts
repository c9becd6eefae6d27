import { FrxError } from "../errors.js";
import { MessageType } from "../generated/codes.js";
import type { AnyMessage } from "../generated/messages.js";
import { allowedIn, checkTransition, machine, type Actor } from "./machine.js";

/** What nodes keep about a parallel, concerted or joint investigation. */
export interface InvestigationRecord {
  investigation: string;
  case: string;
  state: string;
  version: number;
  proposer: string;
  /** Invited participants and their answers so far. */
  responses: Record<string, "pending" | "consent" | "decline">;
  /** The invitee from the host country, whose decline ends the proposal. */
  host?: string;
  updatedAt: string;
}

const investigationMachine = machine("investigation");

export function movesInvestigation(type: MessageType): boolean {
  return investigationMachine.transitions.some((t) => t.type === type);
}

/** The id of the investigation a message is about (`body.investigationId`). */
export function investigationIdOf(message: AnyMessage): string | undefined {
  const id = (message.body as { investigationId?: unknown }).investigationId;
  return typeof id === "string" ? id : undefined;
}

export function investigationActor(
  record: InvestigationRecord | undefined,
  participant: string,
): Actor | null {
  if (!record || participant === record.proposer) return "proposer";
  if (participant in record.responses) return "participant";
  return null;
}

/**
 * The investigation machine as a pure function. investigation.respond moves the state only
 * when the answers decide it: the host's (or sole invitee's) decline → declined; once every
 * invitee has answered → agreed among those who consented, or declined if none did;
 * otherwise it stays proposed with the answer recorded.
 *
 * @example const next = applyInvestigation(current, message, "participant")
 */
export function applyInvestigation(
  record: InvestigationRecord | undefined,
  message: AnyMessage,
  actor: Actor,
): InvestigationRecord {
  const id = investigationIdOf(message);
  if (!id) throw new FrxError("state.referral-unknown", `${message.type} names no investigation`);
  if (message.type === MessageType.InvestigationPropose && record) {
    throw new FrxError("state.referral-exists", `investigation ${id} already exists`);
  }
  const candidates = checkTransition(
    investigationMachine,
    record?.state,
    record?.version ?? 0,
    message.type,
    actor,
    message.sequence,
  );
  if (!record) {
    const body = message.body as { participants?: string[]; hostCountry?: string };
    const invited = (body.participants ?? []).filter((p) => p !== message.from);
    const host = body.hostCountry
      ? invited.find((p) => p.startsWith(`${body.hostCountry}:`))
      : undefined;
    return {
      investigation: id,
      case: message.case!,
      state: candidates[0]!.to,
      version: message.sequence ?? 1,
      proposer: message.from,
      responses: Object.fromEntries(invited.map((p) => [p, "pending" as const])),
      ...(host ? { host } : {}),
      updatedAt: message.sentAt,
    };
  }
  let state = candidates[0]!.to;
  let responses = record.responses;
  if (message.type === MessageType.InvestigationRespond) {
    const answer =
      (message.body as { response?: string }).response === "consent" ? "consent" : "decline";
    if (record.responses[message.from] !== "pending") {
      throw new FrxError("state.transition-forbidden", `${message.from} has already answered`);
    }
    responses = { ...record.responses, [message.from]: answer };
    const invitees = Object.keys(responses);
    const consenting = invitees.filter((p) => responses[p] === "consent");
    const allAnswered = invitees.every((p) => responses[p] !== "pending");
    if (answer === "decline" && (invitees.length === 1 || message.from === record.host))
      state = "declined";
    else if (!allAnswered) state = "proposed";
    // Once all have answered it goes ahead among those who consented, unless nobody did.
    else state = consenting.length > 0 ? "agreed" : "declined";
  }
  return { ...record, state, responses, version: message.sequence!, updatedAt: message.sentAt };
}

export function allowedInvestigationActions(
  record: InvestigationRecord | undefined,
  actor: Actor,
): MessageType[] {
  return allowedIn(investigationMachine, record?.state, actor);
}
