import { FrxError } from "../errors.js";
import { MessageType } from "../generated/codes.js";
import type { AnyMessage } from "../generated/messages.js";
import type { Money } from "../generated/types.js";
import { machine, type Actor } from "./machine.js";
import { decimal, units } from "./money.js";
import {
  applySchedule,
  clearOverdue,
  type RemedyInstalment,
  type RemedyOverdue,
} from "./remedy-schedule.js";

/** One payment towards an award: the total paid after it, and what it added. */
export interface RemedyPayment {
  /** What this instalment added, as a decimal string. */
  amount: string;
  /** The total paid after it. */
  total: string;
  /** When it reached the worker, as the update says (`paidAt`), else when the update was stored. */
  at: string;
  messageId: string;
}

/** What every node holding the case keeps about one claim (`claimRef`). */
export interface RemedyRecord {
  claimRef: string;
  case: string;
  personRef: string;
  kind: string;
  forum: string;
  /** The agency that sent remedy.claim. */
  claimant: string;
  /** The agencies remedy.claim was addressed to. */
  recipients: string[];
  state: string;
  /** The claim's one currency, from its first amount (FRX-REM-003). */
  currency?: string;
  claimed?: Money;
  awarded?: Money;
  /** The total paid so far, as a decimal string in `currency`. */
  paid: string;
  payments: RemedyPayment[];
  /** The instalments in force, with the running total due (FRX-REM-014). */
  schedule?: RemedyInstalment[];
  /** The remedy.update that gave the schedule in force. */
  scheduledBy?: string;
  /** Instalments that fell due unpaid, as the claimant's node recorded them (FRX-REM-017). */
  overdue?: RemedyOverdue[];
  history: Array<{ state: string; at: string; messageId: string }>;
  updatedAt: string;
}

const remedyMachine = machine("remedy");
const PAID_STATES = ["partially_paid", "paid", "defaulted", "enforcement"];

/** Whether a message type moves a remedy claim. */
export function movesRemedy(type: MessageType): boolean {
  return type === MessageType.RemedyClaim || type === MessageType.RemedyUpdate;
}

/** The sender's relation to the claim. */
export function remedyActor(record: RemedyRecord | undefined, participant: string): Actor | null {
  if (!record) return "claimant";
  if (participant === record.claimant) return "claimant";
  if (record.recipients.includes(participant)) return "recipient";
  return null;
}

function invalid(detail: string, pointer: string): FrxError {
  return new FrxError("state.remedy-amount-invalid", detail, [
    { pointer, code: "state.remedy-amount-invalid", message: detail },
  ]);
}

/**
 * The remedy machine (machines/remedy.json) as a pure function: the claim after `message`, or
 * a coded refusal: `state.transition-forbidden` (no such move from the claim's state, a claim
 * that exists already or not at all), `state.actor-forbidden` (a sender neither claimant nor
 * recipient), `state.remedy-currency-mismatch`, `state.remedy-amount-invalid`.
 *
 * @example const next = applyRemedy(current, message, "recipient", [], "2026-03-02T09:45:00Z")
 */
export function applyRemedy(
  record: RemedyRecord | undefined,
  message: AnyMessage,
  actor: Actor,
  recipients: string[],
  at: string,
): RemedyRecord {
  if (message.type !== MessageType.RemedyClaim && message.type !== MessageType.RemedyUpdate)
    throw new TypeError(`${message.type} does not move a remedy claim`);
  const body = message.body;
  const status = body.status;
  const from = record?.state;
  const move = remedyMachine.transitions.find(
    (t) =>
      t.type === message.type &&
      t.when === `status=${status}` &&
      (from === undefined ? t.from.length === 0 : t.from.includes(from)),
  );
  if (!move)
    throw new FrxError(
      "state.transition-forbidden",
      record
        ? `claim ${body.claimRef} cannot move from ${from} to ${status}`
        : message.type === MessageType.RemedyClaim
          ? `a claim opens as draft or filed, not ${status}`
          : `claim ${body.claimRef} is not known here`,
    );
  if (record && message.type === MessageType.RemedyClaim)
    throw new FrxError("state.transition-forbidden", `claim ${body.claimRef} exists already`);
  if (!move.actors.includes(actor))
    throw new FrxError(
      "state.actor-forbidden",
      `${message.from} is neither the claimant nor a recipient of claim ${body.claimRef}`,
    );
  if (record && record.case !== message.case)
    throw new FrxError("state.transition-forbidden", `claim ${body.claimRef} is another case's`);

  const next: RemedyRecord = record
    ? structuredClone(record)
    : {
        claimRef: body.claimRef,
        case: message.case!,
        personRef: (body as { personRef: string }).personRef,
        kind: (body as { kind: string }).kind,
        forum: (body as { forum: string }).forum,
        claimant: message.from,
        recipients,
        state: status,
        paid: "0",
        payments: [],
        history: [],
        updatedAt: at,
      };
  const amounts: Array<[Money | undefined, string]> =
    message.type === MessageType.RemedyClaim
      ? [[message.body.amount, "/body/amount"]]
      : [
          [message.body.amountAwarded, "/body/amountAwarded"],
          [message.body.amountPaid, "/body/amountPaid"],
        ];
  for (const [money, pointer] of amounts) {
    if (!money) continue;
    next.currency ??= money.currency;
    if (money.currency !== next.currency)
      throw new FrxError(
        "state.remedy-currency-mismatch",
        `claim ${body.claimRef} is in ${next.currency}, not ${money.currency}`,
        [
          {
            pointer: `${pointer}/currency`,
            code: "state.remedy-currency-mismatch",
            message: `the claim is in ${next.currency}`,
          },
        ],
      );
    if (units(money.amount) < 0n) throw invalid("amounts are not negative", `${pointer}/amount`);
  }
  if (message.type === MessageType.RemedyClaim) {
    if (message.body.amount) next.claimed = message.body.amount;
  } else {
    const { amountAwarded, amountPaid, paidAt } = message.body;
    if (amountAwarded) {
      if (next.awarded && units(next.awarded.amount) !== units(amountAwarded.amount))
        throw invalid(
          `claim ${body.claimRef} was awarded ${next.awarded.amount}; an award does not change`,
          "/body/amountAwarded/amount",
        );
      if (!next.awarded && status !== "awarded")
        throw invalid("an award is given in the move to awarded", "/body/amountAwarded");
      next.awarded = amountAwarded;
    }
    if (status === "awarded" && !next.awarded)
      throw invalid("a claim is awarded with its amountAwarded", "/body/amountAwarded");
    if (amountPaid) {
      if (!PAID_STATES.includes(status))
        throw invalid(`nothing is paid on a claim that is ${status}`, "/body/amountPaid");
      const before = units(next.paid);
      const total = units(amountPaid.amount);
      if (total < before)
        throw invalid(
          `the total paid falls from ${next.paid} to ${amountPaid.amount}`,
          "/body/amountPaid/amount",
        );
      if (total > units(next.awarded!.amount))
        throw invalid(
          `${amountPaid.amount} paid is more than the ${next.awarded!.amount} awarded`,
          "/body/amountPaid/amount",
        );
      if (total > before)
        next.payments.push({
          amount: decimal(total - before),
          total: decimal(total),
          at: paidAt ?? at,
          messageId: message.id,
        });
      next.paid = decimal(total);
    }
    if (status === "partially_paid" && !(amountPaid && units(amountPaid.amount) > 0n))
      throw invalid("a partial payment names the total paid", "/body/amountPaid");
    if (status === "partially_paid" && units(next.paid) >= units(next.awarded!.amount))
      throw invalid("the award is paid in full: the status is paid", "/body/status");
    if (status === "paid" && units(next.paid) !== units(next.awarded!.amount))
      throw invalid(
        `paid means ${next.awarded!.amount} paid; ${next.paid} is`,
        "/body/amountPaid/amount",
      );
    if (message.body.schedule) applySchedule(next, message.body.schedule, status, message.id);
    // A payment that covers what fell due clears it (FRX-REM-017).
    clearOverdue(next, at, message.id);
  }
  next.state = status;
  next.history.push({ state: status, at, messageId: message.id });
  next.updatedAt = at;
  return next;
}
