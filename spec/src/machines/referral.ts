import { FrxError } from "../errors.js";
import { MessageType } from "../generated/codes.js";
import type { AnyMessage } from "../generated/messages.js";
import { allowedIn, checkTransition, machine, type Actor } from "./machine.js";

/** What both nodes keep about a referral. */
export interface ReferralRecord {
  referral: string;
  case: string;
  state: string;
  /** The sequence of the last message applied. */
  version: number;
  referrer: string;
  /** The participant the referral was delivered to, once resolved. */
  recipient: string;
  urgency: string;
  /** The case track the referral serves (labour, licensing, criminal, remedy). */
  track?: string;
  updatedAt: string;
}

const referralMachine = machine("referral");

/** Message types that move a referral (the machine's own, plus consent.withdraw and deadline.overdue). */
export function movesReferral(type: MessageType): boolean {
  return referralMachine.transitions.some((t) => t.type === type);
}

/**
 * The sender's relation to the referral: its referrer, its recipient, or `node`, the
 * recipient's node (`<node>:NODE`), which alone runs the referral's deadlines (FRX-DL-001).
 *
 * @example referralActor(record, message.from)
 */
export function referralActor(
  record: ReferralRecord | undefined,
  participant: string,
): Actor | null {
  if (!record) return "referrer";
  if (participant === record.referrer) return "referrer";
  if (participant === record.recipient) return "recipient";
  if (participant === `${record.recipient.slice(0, record.recipient.indexOf(":"))}:NODE`)
    return "node";
  return null;
}

/**
 * The referral state machine as a pure function: (record, message, actor) → next record, or
 * a coded FrxError (`state.referral-unknown`, `state.referral-exists`,
 * `state.transition-forbidden`, `state.actor-forbidden`, `state.sequence-conflict`).
 * `recipient` is the resolved participant, needed only on referral.create.
 *
 * @example const next = applyReferral(current, message, "recipient")
 */
export function applyReferral(
  record: ReferralRecord | undefined,
  message: AnyMessage,
  actor: Actor,
  recipient?: string,
): ReferralRecord {
  if (!message.referral)
    throw new FrxError("state.referral-unknown", `${message.type} names no referral`);
  if (message.type === MessageType.ReferralCreate && record) {
    throw new FrxError("state.referral-exists", `referral ${message.referral} already exists`);
  }
  if (record && record.case !== message.case) {
    throw new FrxError(
      "state.referral-unknown",
      `referral ${message.referral} belongs to another case`,
    );
  }
  // A first escalation (level 1) is a notice only; the referral expires at level 2 (twice the
  // deadline). Either comes only from the recipient's node (FRX-DL-012).
  if (
    message.type === MessageType.DeadlineOverdue &&
    record &&
    ((message.body as { level?: number }).level ?? 1) < 2
  ) {
    if (actor !== "node")
      throw new FrxError(
        "state.actor-forbidden",
        `only the recipient's node escalates referral ${record.referral}`,
      );
    return { ...record, updatedAt: message.sentAt };
  }
  const [transition] = checkTransition(
    referralMachine,
    record?.state,
    record?.version ?? 0,
    message.type,
    actor,
    message.sequence,
  );
  if (!record) {
    const body = message.body as { urgency?: string; track?: string };
    return {
      referral: message.referral,
      case: message.case!,
      state: transition!.to,
      version: message.sequence ?? 1,
      referrer: message.from,
      recipient: recipient ?? firstParticipant(message),
      urgency: body.urgency ?? "routine",
      ...(body.track ? { track: body.track } : {}),
      updatedAt: message.sentAt,
    };
  }
  return {
    ...record,
    state: transition!.to,
    version: actor === "node" ? record.version : message.sequence!,
    updatedAt: message.sentAt,
  };
}

/** What `actor` may send now. @example allowedReferralActions(record, "recipient") */
export function allowedReferralActions(
  record: ReferralRecord | undefined,
  actor: Actor,
): MessageType[] {
  return allowedIn(referralMachine, record?.state, actor);
}

function firstParticipant(message: AnyMessage): string {
  const first = message.to[0] as { participant?: string } | undefined;
  if (!first?.participant)
    throw new FrxError(
      "routing.recipient-unknown",
      "referral.create must name a resolved participant",
    );
  return first.participant;
}
