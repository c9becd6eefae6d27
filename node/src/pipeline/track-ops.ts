import {
  addProceedings,
  addReport,
  applySanction,
  FrxError,
  MessageType,
  trackOfProceedings,
  trackOfSanction,
  type AnyMessage,
  type TrackRecord,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { Op } from "../store/store.js";

/** A case's track (`tracks`, `<case>!t!<track>`). */
export const trackKey = (caseId: string, track: string) => `${caseId}!t!${track}`;
const sanctionKey = (caseId: string, id: string) => `${caseId}!s!${id}`;
const investigationKey = (caseId: string, id: string) => `${caseId}!i!${id}`;

/**
 * The case's tracks (labour, licensing, criminal, remedy) as outcomes arrive
 * (machines/sanction.json, FRX-REM-009 to FRX-REM-013): a sanction.notify moves its sanction
 * on its track, proceedings.notify and investigation.report add to theirs; an
 * investigation.propose records the tracks its scope names, for the reports to come.
 */
export async function trackOps(
  ctx: AppContext,
  message: AnyMessage,
  recipients: string[],
  at: string,
): Promise<{ ops: Op[]; note?: string }> {
  const caseId = message.case;
  if (!caseId) return { ops: [] };
  const load = (track: string) => ctx.store.get<TrackRecord>("tracks", trackKey(caseId, track));
  const put = (t: TrackRecord): Op => ({
    type: "put",
    aggregate: "tracks",
    key: trackKey(caseId, t.track),
    value: t,
  });
  switch (message.type) {
    case MessageType.SanctionNotify: {
      const { sanctionId, kind } = message.body;
      const indexed = await ctx.store.get<string>("tracks", sanctionKey(caseId, sanctionId));
      const track = trackOfSanction(kind);
      if (indexed && indexed !== track)
        throw new FrxError(
          "state.transition-forbidden",
          `sanction ${sanctionId} is on the ${indexed} track; a ${kind} belongs to ${track}`,
        );
      const current = await load(track);
      const before = current?.sanctions.find((s) => s.sanctionId === sanctionId)?.status;
      const next = applySanction(current, message, recipients, at);
      return {
        ops: [
          put(next),
          { type: "put", aggregate: "tracks", key: sanctionKey(caseId, sanctionId), value: track },
        ],
        note: `${track} track: sanction ${sanctionId} ${before ?? "new"} → ${message.body.status}`,
      };
    }
    case MessageType.ProceedingsNotify: {
      const next = addProceedings(
        await load(trackOfProceedings(message.body.kind)),
        message,
        recipients,
        at,
      );
      return { ops: [put(next)], note: `${next.track} track: ${message.body.kind} proceedings` };
    }
    case MessageType.InvestigationPropose: {
      const tracks = message.body.scope.tracks;
      return {
        ops: [
          {
            type: "put",
            aggregate: "tracks",
            key: investigationKey(caseId, message.body.investigationId),
            value: tracks,
          },
        ],
      };
    }
    case MessageType.InvestigationReport: {
      const tracks =
        (await ctx.store.get<string[]>(
          "tracks",
          investigationKey(caseId, message.body.investigationId),
        )) ?? [];
      const ops: Op[] = [];
      for (const name of tracks)
        ops.push(put(addReport(await load(name), name, message, recipients, at)));
      return { ops };
    }
    default:
      return { ops: [] };
  }
}
