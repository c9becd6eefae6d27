import { FrxError } from "../errors.js";
import type { Money } from "../generated/types.js";
import { instantMs } from "../time/instant.js";
import { decimal, units } from "./money.js";
import type { RemedyRecord } from "./remedy.js";

/** One instalment in force: when it falls due, its amount, and the total due by then. */
export interface RemedyInstalment {
  dueAt: string;
  amount: string;
  total: string;
}

/** An instalment that fell due unpaid, as the claimant's node recorded it (FRX-REM-017). */
export interface RemedyOverdue {
  instalment: number;
  dueAt: string;
  amountDue: string;
  scheduledBy: string;
  noticeId?: string;
  notifiedAt?: string;
  clearedAt?: string;
  clearedBy?: string;
}

/** The states in which payments are open, and so due dates run (FRX-REM-014, FRX-REM-015). */
export const PAYMENTS_OPEN = ["awarded", "partially_paid", "defaulted", "enforcement"];

function refuse(detail: string, pointer: string): FrxError {
  return new FrxError("state.remedy-schedule-invalid", detail, [
    { pointer, code: "state.remedy-schedule-invalid", message: detail },
  ]);
}

/**
 * Puts a schedule in force on `next` (FRX-REM-014): only while payments are open, each amount
 * positive and in the claim's currency (FRX-REM-003), adding up to the award exactly, due
 * instants strictly increasing. Replaces the schedule before it.
 */
export function applySchedule(
  next: RemedyRecord,
  schedule: ReadonlyArray<{ dueAt: string; amount: Money }>,
  status: string,
  messageId: string,
): void {
  if (!PAYMENTS_OPEN.includes(status) || !next.awarded)
    throw refuse(`a schedule comes with the award or later, not with ${status}`, "/body/schedule");
  let total = 0n;
  let previous = -Infinity;
  const instalments: RemedyInstalment[] = [];
  for (const [i, { dueAt, amount }] of schedule.entries()) {
    if (amount.currency !== next.currency)
      throw new FrxError(
        "state.remedy-currency-mismatch",
        `claim ${next.claimRef} is in ${next.currency}, not ${amount.currency}`,
        [
          {
            pointer: `/body/schedule/${i}/amount/currency`,
            code: "state.remedy-currency-mismatch",
            message: `the claim is in ${next.currency}`,
          },
        ],
      );
    const value = units(amount.amount);
    if (value <= 0n)
      throw refuse("every instalment is a positive amount", `/body/schedule/${i}/amount/amount`);
    const ms = instantMs(dueAt);
    if (ms === undefined || ms <= previous)
      throw refuse("due instants strictly increase", `/body/schedule/${i}/dueAt`);
    previous = ms;
    total += value;
    instalments.push({ dueAt, amount: decimal(value), total: decimal(total) });
  }
  if (total !== units(next.awarded.amount))
    throw refuse(
      `the instalments add up to ${decimal(total)}, not the ${next.awarded.amount} awarded`,
      "/body/schedule",
    );
  next.schedule = instalments;
  next.scheduledBy = messageId;
}

/** Marks cleared each overdue instalment the total paid now covers (FRX-REM-017). */
export function clearOverdue(next: RemedyRecord, at: string, messageId: string): void {
  const paid = units(next.paid);
  for (const o of next.overdue ?? [])
    if (!o.clearedAt && paid >= units(o.amountDue)) {
      o.clearedAt = at;
      o.clearedBy = messageId;
    }
}

/**
 * The first instalment of the schedule in force that the total paid does not cover and that
 * no overdue notice was sent for yet, with its due instant in milliseconds; none when the
 * claim's payments are not open (FRX-REM-015, FRX-REM-016). The claimant's node waits for it.
 *
 * @example const due = nextDue(record); if (due && due.dueMs <= now) notify(due)
 */
export function nextDue(
  record: RemedyRecord,
): { instalment: number; dueAt: string; dueMs: number; amountDue: string } | undefined {
  if (!record.schedule || !record.scheduledBy || !PAYMENTS_OPEN.includes(record.state))
    return undefined;
  const paid = units(record.paid);
  for (const [i, item] of record.schedule.entries()) {
    if (paid >= units(item.total)) continue;
    const noticed = (record.overdue ?? []).some(
      (o) => o.scheduledBy === record.scheduledBy && o.instalment === i + 1,
    );
    if (noticed) continue;
    const dueMs = instantMs(item.dueAt);
    if (dueMs === undefined) return undefined;
    return { instalment: i + 1, dueAt: item.dueAt, dueMs, amountDue: item.total };
  }
  return undefined;
}
