import { appendTimeline } from "../domain/timeline.js";
import {
  applyInvestigation,
  applyReferral,
  FrxError,
  investigationActor,
  investigationIdOf,
  MessageType,
  movesInvestigation,
  movesReferral,
  movesRemedy,
  referralActor,
  remedyActor,
  applyRemedy,
  type RemedyRecord,
  type AnyMessage,
  type InvestigationRecord,
  type ReferralRecord,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { applyConsents } from "../domain/consents.js";
import { ownerOf } from "./case-parties.js";
import type { CaseRecord, TimelineEntry } from "../store/records.js";
import type { Op } from "../store/store.js";
import { threadDeadlineOps } from "./deadline-ops.js";
import { trackOps } from "./track-ops.js";
import { paymentWakeOps } from "./payment-due-ops.js";

/** Where a claim is kept (`remedies`): by case, so a case view reads its claims in one range. */
export const remedyKey = (caseId: string, claimRef: string) => `${caseId}!${claimRef}`;

export interface StateChange {
  ops: Op[];
  referral?: ReferralRecord;
  investigation?: InvestigationRecord;
  caseRecord?: CaseRecord;
}

/**
 * Applies a message to the state machines and the case: the referral or investigation it
 * moves, deadlines started and met, the case's parties, consent and timeline. Pure of I/O
 * except reads through the store (which sees writes not yet on disk).
 */
export async function stateChange(
  ctx: AppContext,
  message: AnyMessage,
  recipients: string[],
  at: string,
  /** Who the message makes a party to its case (FRX-MSG-010); by default sender and recipients. */
  parties: string[] = [message.from, ...recipients],
): Promise<StateChange> {
  const ops: Op[] = [];
  const out: StateChange = { ops };
  let stateNote: string | undefined;
  if (message.type === MessageType.CaseTransfer) {
    assertNewOwnerAddressed(ctx, message, recipients);
    await assertOwnerTransfers(ctx, message);
  }

  if (message.referral && movesReferral(message.type)) {
    const current = await ctx.store.get<ReferralRecord>("referrals", message.referral);
    if (!current && message.type !== MessageType.ReferralCreate) {
      throw new FrxError(
        "state.referral-unknown",
        `referral ${message.referral} is not known here`,
      );
    }
    // A non-party is an "outsider": the machine checks the state first, then who may act (FRX-REF-008).
    const actor = referralActor(current, message.from) ?? "outsider";
    if (message.type === MessageType.ReferralCreate && recipients.length !== 1) {
      throw new FrxError(
        "routing.recipient-unknown",
        `a referral goes to exactly one participant; the addresses resolve to ${recipients.length}`,
        [
          {
            pointer: "/to",
            code: "routing.recipient-unknown",
            message: "a referral.create must resolve to exactly one participant",
          },
        ],
      );
    }
    const next = applyReferral(current, message, actor, recipients[0]);
    ops.push({ type: "put", aggregate: "referrals", key: next.referral, value: next });
    ops.push(...(await threadDeadlineOps(ctx, message, { machine: "referral", record: next }, at)));
    out.referral = next;
    stateNote = `referral ${next.referral}: ${current?.state ?? "new"} → ${next.state}`;
  }

  const investigationId = investigationIdOf(message);
  if (investigationId && movesInvestigation(message.type)) {
    const current = await ctx.store.get<InvestigationRecord>("investigations", investigationId);
    const actor = investigationActor(current, message.from) ?? "outsider";
    const next = applyInvestigation(current, message, actor);
    ops.push({ type: "put", aggregate: "investigations", key: next.investigation, value: next });
    ops.push(
      ...(await threadDeadlineOps(ctx, message, { machine: "investigation", record: next }, at)),
    );
    out.investigation = next;
    stateNote = `investigation ${next.investigation}: ${current?.state ?? "new"} → ${next.state}`;
  }

  // A worker's claim, followed to payment wherever the worker is (machines/remedy.json, FRX-REM-*).
  if (message.case && movesRemedy(message.type)) {
    const claimRef = (message.body as { claimRef: string }).claimRef;
    const key = remedyKey(message.case, claimRef);
    const current = await ctx.store.get<RemedyRecord>("remedies", key);
    const actor = remedyActor(current, message.from) ?? "outsider";
    const next = applyRemedy(current, message, actor, recipients, at);
    ops.push({ type: "put", aggregate: "remedies", key, value: next });
    // Its next payment due date, watched by the claimant's node (FRX-REM-015).
    ops.push(...paymentWakeOps(ctx.config.node, key, current, next));
    stateNote = `remedy ${claimRef}: ${current?.state ?? "new"} → ${next.state}`;
  }

  // The claim follows the worker: a new owner of the case follows each of its claims (FRX-REM-018).
  if (message.type === MessageType.CaseTransfer && message.case)
    ops.push(...(await claimsFollowOwner(ctx, message.case, message.body.newOwner, at)));

  // The case's tracks: sanctions, proceedings and reports (machines/sanction.json).
  const tracks = await trackOps(ctx, message, recipients, at);
  ops.push(...tracks.ops);
  stateNote ??= tracks.note;

  if (message.case) {
    const existing = await ctx.store.get<CaseRecord>("cases", message.case);
    const record: CaseRecord = existing
      ? structuredClone(existing)
      : {
          case: message.case,
          createdAt: at,
          updatedAt: at,
          parties: [],
          referrals: [],
          investigations: [],
          timelineLength: 0,
        };
    for (const p of parties) if (!record.parties.includes(p)) record.parties.push(p);
    if (message.type === MessageType.CaseTransfer) record.owner = message.body.newOwner;
    if (out.referral && !record.referrals.includes(out.referral.referral))
      record.referrals.push(out.referral.referral);
    if (out.investigation && !record.investigations.includes(out.investigation.investigation))
      record.investigations.push(out.investigation.investigation);
    record.consents = applyConsents(existing, message, at, ownerOf(existing ?? record));
    const entry: TimelineEntry = {
      at,
      messageId: message.id,
      type: message.type,
      from: message.from,
      to: recipients,
      ...(message.referral ? { referral: message.referral } : {}),
      ...(out.referral
        ? { state: out.referral.state }
        : out.investigation
          ? { state: out.investigation.state }
          : {}),
      ...(stateNote ? { note: stateNote } : {}),
    };
    ops.push(appendTimeline(record, entry));
    ops.push({ type: "put", aggregate: "cases", key: record.case, value: record });
    out.caseRecord = record;
  }
  return out;
}

/** The new owner of a case as a recipient of each of its claims that it is no party of yet. */
async function claimsFollowOwner(
  ctx: AppContext,
  caseId: string,
  owner: string,
  at: string,
): Promise<Op[]> {
  const claims = await ctx.store.range<RemedyRecord>("remedies", {
    gte: `${caseId}!`,
    lt: `${caseId}!~`,
  });
  return claims
    .filter(([, r]) => r.claimant !== owner && !r.recipients.includes(owner))
    .map(([key, r]): Op => ({
      type: "put",
      aggregate: "remedies",
      key,
      value: { ...r, recipients: [...r.recipients, owner], updatedAt: at },
    }));
}

/**
 * Only the case's owner now (its opener, or the newOwner of the last accepted transfer) passes
 * it on (FRX-MSG-013): a party cannot take the case, nor can an owner that has given it away.
 */
async function assertOwnerTransfers(ctx: AppContext, message: AnyMessage): Promise<void> {
  const record = message.case ? await ctx.store.get<CaseRecord>("cases", message.case) : undefined;
  if (!record || ownerOf(record) === message.from) return;
  const detail = `case ${record.case} is ${ownerOf(record)}'s; only its owner transfers it`;
  throw new FrxError("state.actor-forbidden", detail, [
    { pointer: "/from", code: "state.actor-forbidden", message: detail },
  ]);
}

/**
 * A case passes only to one of the envelope's recipients (messages.md, `case.transfer`;
 * FRX-MSG-009): one it resolved to here, or, at a destination node, an agency of another
 * node that the envelope addresses by participant (that node resolved it before sending).
 */
function assertNewOwnerAddressed(
  ctx: AppContext,
  message: AnyMessage & { type: typeof MessageType.CaseTransfer },
  recipients: string[],
): void {
  const owner = message.body.newOwner;
  const addressedElsewhere =
    !owner.startsWith(`${ctx.config.node}:`) &&
    !message.from.startsWith(`${ctx.config.node}:`) &&
    (message.to as Array<{ participant?: string }>).some((a) => a.participant === owner);
  if (recipients.includes(owner) || addressedElsewhere) return;
  const detail = `newOwner ${owner} is not a recipient of this case.transfer`;
  throw new FrxError("routing.recipient-unknown", detail, [
    { pointer: "/body/newOwner", code: "routing.recipient-unknown", message: detail },
  ]);
}
