import {
  allowedInvestigationActions,
  allowedReferralActions,
  FrxError,
  investigationActor,
  referralActor,
  remedyActor,
  type InvestigationRecord,
  type RemedyRecord,
  type TrackRecord,
  type ReferralRecord,
} from "@frx/spec";
import { Hono } from "hono";
import type { AppContext } from "../../context.js";
import { agencyAuth, type Env } from "../app.js";
import { ownerOf } from "../../pipeline/case-parties.js";
import type { CaseRecord, DeadlineRecord, TimelineEntry } from "../../store/records.js";
import { custodyPrefix, type CustodyRecord } from "../../pipeline/attachment-ops.js";

/**
 * GET /v1/cases/:case — the case as the caller may see it: each referral and investigation
 * with its state and the actions the caller may take now, the timeline, and open deadlines.
 * Only parties to the case may read it, each only the threads and timeline entries it sent
 * or was addressed (FRX-MSG-012); to anyone else the case does not exist.
 */
export function caseRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use("/v1/cases/*", agencyAuth(ctx));
  app.get("/v1/cases/:case", async (c) => {
    const participant = c.get("participant");
    const id = c.req.param("case");
    const record = await ctx.store.get<CaseRecord>("cases", id);
    if (!record || !record.parties.includes(participant))
      throw new FrxError("request.not-found", `no case ${id} visible to ${participant}`);
    // Each party sees what it sent or was addressed, nothing of the others' threads (FRX-MSG-012).
    const referrals = (
      await Promise.all(record.referrals.map((r) => ctx.store.get<ReferralRecord>("referrals", r)))
    ).filter((r): r is ReferralRecord => !!r && referralActor(r, participant) !== null);
    const investigations = (
      await Promise.all(
        record.investigations.map((i) => ctx.store.get<InvestigationRecord>("investigations", i)),
      )
    ).filter((i): i is InvestigationRecord => !!i && investigationActor(i, participant) !== null);
    const all = (
      await ctx.store.range<TimelineEntry>("timeline", { gte: `${id}!`, lt: `${id}!~` })
    ).map(([, v]) => v);
    // A message's own line, and the node's lines about delivering it, for its sender and
    // addressees; the node's lines on a referral (its expiry) for the referral's actors.
    const mine = new Set(
      all
        .filter((e) => e.from === participant || e.to.includes(participant))
        .map((e) => e.messageId),
    );
    const threads = new Set(referrals.map((r) => r.referral));
    const timeline = all.filter(
      (e) => mine.has(e.messageId) || (e.referral !== undefined && threads.has(e.referral)),
    );
    const deadlines = (
      await Promise.all([
        ...referrals.map((r) =>
          ctx.store.range<DeadlineRecord>("deadlines", {
            gte: `r!referral:${r.referral}:`,
            lt: `r!referral:${r.referral}:~`,
          }),
        ),
        // An investigation's respond deadline, at the proposer's node (FRX-DL-001).
        ...investigations.map((i) =>
          ctx.store.range<DeadlineRecord>("deadlines", {
            gte: `r!investigation:${i.investigation}:`,
            lt: `r!investigation:${i.investigation}:~`,
          }),
        ),
      ])
    ).flatMap((rows) => rows.map(([, v]) => v));
    // Custody of the evidence received here from other nodes, for its sender and recipients (FRX-FED-084).
    const custody = (
      await ctx.store.range<CustodyRecord>("attachments", {
        gte: custodyPrefix(id),
        lt: `${custodyPrefix(id)}~`,
      })
    )
      .map(([, v]) => v)
      .filter((v) => v.from === participant || v.to.includes(participant))
      .map(({ sha256, evidenceId, messageId, custody }) => ({
        sha256,
        evidenceId,
        messageId,
        custody,
      }));
    // Claims the caller made or was addressed (FRX-REM-007): their state, award and payments.
    const claims = (
      await ctx.store.range<RemedyRecord>("remedies", { gte: `${id}!`, lt: `${id}!~` })
    )
      .map(([, v]) => v)
      .filter((r) => remedyActor(r, participant) !== null);
    // The case's tracks as the caller may see them: each sanction, proceeding and report it
    // sent or was told of (FRX-REM-013); a track with none of them is not shown.
    const outcomeTracks = (
      await ctx.store.range<TrackRecord>("tracks", {
        gte: `${id}!t!`,
        lt: `${id}!t!~`,
      })
    )
      .map(([, t]) => {
        const sees = (x: { parties: string[] }) => x.parties.includes(participant);
        return {
          track: t.track,
          lead: t.lead,
          ...(t.status ? { status: t.status } : {}),
          sanctions: t.sanctions.filter(sees),
          proceedings: t.proceedings.filter(sees),
          reports: t.reports.filter(sees),
        };
      })
      .filter((t) => t.sanctions.length + t.proceedings.length + t.reports.length > 0);
    return c.json({
      case: record.case,
      // The agency that holds the case's authority now (FRX-MSG-003, FRX-MSG-013).
      owner: ownerOf(record),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      // Whether any worker of the case withdrew; who did is not the caller's to see.
      consentWithdrawn: Object.values(record.consents ?? {}).some((c) => c.withdrawnAt),
      tracks: [...new Set(referrals.map((r) => r.track).filter(Boolean))],
      referrals: referrals.map((r) => {
        const actor = referralActor(r, participant);
        return { ...r, allowedActions: actor ? allowedReferralActions(r, actor) : [] };
      }),
      investigations: investigations.map((i) => {
        const actor = investigationActor(i, participant);
        return { ...i, allowedActions: actor ? allowedInvestigationActions(i, actor) : [] };
      }),
      deadlines,
      claims,
      outcomeTracks,
      custody,
      timeline,
    });
  });
  return app;
}
