import { FrxError } from "@frx/spec";
import type { AppContext } from "../context.js";
import { consentRemovalOps, erase, type ErasureRecord } from "./erase.js";
import { listHolds } from "./holds.js";
import { noticeQueueOps } from "./notice-delivery.js";
import { namesPerson } from "./person.js";
import { openedMessages } from "./scan.js";

/**
 * Erasure on request (FRX-DP-009): the content of every stored message whose body names
 * `personRef`, in every case not under a legal hold, and the person's consent on record there.
 * When every message naming the person is in held cases, the request is refused with
 * `dp.legal-hold` (FRX-DP-008) and nothing is erased.
 */
export async function eraseByPerson(
  ctx: AppContext,
  personRef: string,
  note: string,
  actor: string,
): Promise<ErasureRecord> {
  if (note.length === 0 || note.length > 500)
    throw new FrxError("request.malformed", "an erasure needs a reason of 1 to 500 characters");
  const heldCases = new Set((await listHolds(ctx)).map((h) => h.case));
  const named = new Set<string>();
  const blocked = new Set<string>();
  for await (const m of openedMessages(ctx)) {
    if (!m.message || !namesPerson(m.message.body, personRef)) continue;
    if (m.record.case && heldCases.has(m.record.case)) blocked.add(m.record.case);
    else named.add(m.record.id);
  }
  if (named.size === 0 && blocked.size > 0)
    throw new FrxError(
      "dp.legal-hold",
      `every message naming ${personRef} is in a case under a legal hold: ${[...blocked].join(", ")}`,
    );
  const record = await erase(ctx, {
    reason: "request",
    by: actor,
    note,
    personRef,
    heldCases: [...blocked],
    choose: (m) =>
      named.has(m.record.id) && !(m.record.case !== undefined && heldCases.has(m.record.case)),
    // The notices to the other parties' nodes, queued in the same batch (FRX-DP-013).
    extra: async (cases, record) => [
      ...(await consentRemovalOps(ctx, cases, personRef)),
      ...(await noticeQueueOps(ctx, record)),
    ],
  });
  ctx.outbox?.notices.kick();
  return record;
}
