import { FrxError } from "../errors.js";
import { MessageType } from "../generated/codes.js";
import type { AnyMessage } from "../generated/messages.js";
import { machine } from "./machine.js";

/** One sanction on a track, as its notices moved it. */
export interface SanctionEntry {
  sanctionId: string;
  kind: string;
  /** The agency that sent the sanction's first notice: only it moves the sanction on. */
  imposer: string;
  imposingAuthority?: string;
  imposingAuthorityType: string;
  status: string;
  history: Array<{ status: string; at: string; messageId: string }>;
  /** Who was told (the first notice's sender and recipients), for the case view. */
  parties: string[];
}

export interface TrackItem {
  messageId: string;
  at: string;
  parties: string[];
}

/** One track of a case (labour, licensing, criminal, remedy): its lead, status and what fed it. */
export interface TrackRecord {
  case: string;
  track: string;
  /** The lead authority: the first sanction's imposing authority, else the first sender. */
  lead: string;
  /** The status of the track's most recently moved sanction, if any. */
  status?: string;
  sanctions: SanctionEntry[];
  proceedings: Array<TrackItem & { kind: string; courtCaseNumber?: string; hearings: number }>;
  reports: Array<TrackItem & { investigationId: string }>;
  updatedAt: string;
}

interface SanctionMachine {
  transitions: Array<{ type: string; from: string[]; to: string; actors: string[]; when?: string }>;
  tracks: Record<string, string>;
  proceedingsTracks: Record<string, string>;
}
const sanctionMachine = machine("sanction") as unknown as SanctionMachine;

/** The track a sanction kind belongs to (machines/sanction.json `tracks`). */
export function trackOfSanction(kind: string): string {
  return sanctionMachine.tracks[kind] ?? "labour";
}

/** The track proceedings of a kind belong to (machines/sanction.json `proceedingsTracks`). */
export function trackOfProceedings(kind: string): string {
  return sanctionMachine.proceedingsTracks[kind] ?? "criminal";
}

function emptyTrack(caseId: string, track: string, lead: string, at: string): TrackRecord {
  return { case: caseId, track, lead, sanctions: [], proceedings: [], reports: [], updatedAt: at };
}

/**
 * A sanction.notify applied to its track (pure): the sanction opens as proposed, imposed or
 * final, and moves on only as machines/sanction.json allows, told by its imposer; its kind
 * never changes. Refusals: `state.transition-forbidden`, `state.actor-forbidden`.
 *
 * @example const next = applySanction(current, message, ["LA:DOSM"], at)
 */
export function applySanction(
  track: TrackRecord | undefined,
  message: AnyMessage,
  recipients: string[],
  at: string,
): TrackRecord {
  if (message.type !== MessageType.SanctionNotify)
    throw new TypeError(`${message.type} does not move a sanction`);
  const body = message.body;
  const name = trackOfSanction(body.kind);
  const next = track
    ? structuredClone(track)
    : emptyTrack(message.case!, name, body.imposingAuthority ?? message.from, at);
  const entry = next.sanctions.find((s) => s.sanctionId === body.sanctionId);
  const move = sanctionMachine.transitions.find(
    (t) =>
      t.when === `status=${body.status}` &&
      (entry ? t.from.includes(entry.status) : t.from.length === 0),
  );
  if (!move)
    throw new FrxError(
      "state.transition-forbidden",
      entry
        ? `sanction ${body.sanctionId} cannot move from ${entry.status} to ${body.status}`
        : `a sanction is first notified as proposed, imposed or final, not ${body.status}`,
    );
  if (entry && entry.imposer !== message.from)
    throw new FrxError(
      "state.actor-forbidden",
      `sanction ${body.sanctionId} is moved on by ${entry.imposer}, not ${message.from}`,
    );
  if (entry && entry.kind !== body.kind)
    throw new FrxError(
      "state.transition-forbidden",
      `sanction ${body.sanctionId} is a ${entry.kind}, not a ${body.kind}`,
    );
  const step = { status: body.status, at, messageId: message.id };
  if (entry) {
    entry.status = body.status;
    entry.history.push(step);
    for (const p of recipients) if (!entry.parties.includes(p)) entry.parties.push(p);
  } else
    next.sanctions.push({
      sanctionId: body.sanctionId,
      kind: body.kind,
      imposer: message.from,
      ...(body.imposingAuthority ? { imposingAuthority: body.imposingAuthority } : {}),
      imposingAuthorityType: body.imposingAuthorityType,
      status: body.status,
      history: [step],
      parties: [message.from, ...recipients],
    });
  next.status = body.status;
  next.updatedAt = at;
  return next;
}

/** A proceedings.notify added to the track its kind belongs to. */
export function addProceedings(
  track: TrackRecord | undefined,
  message: AnyMessage,
  recipients: string[],
  at: string,
): TrackRecord {
  if (message.type !== MessageType.ProceedingsNotify)
    throw new TypeError(`${message.type} is not proceedings`);
  const name = trackOfProceedings(message.body.kind);
  const next = track ? structuredClone(track) : emptyTrack(message.case!, name, message.from, at);
  next.proceedings.push({
    kind: message.body.kind,
    ...(message.body.courtCaseNumber ? { courtCaseNumber: message.body.courtCaseNumber } : {}),
    hearings: message.body.hearings.length,
    messageId: message.id,
    at,
    parties: [message.from, ...recipients],
  });
  next.updatedAt = at;
  return next;
}

/** An investigation.report added to one of the tracks its investigation covers. */
export function addReport(
  track: TrackRecord | undefined,
  name: string,
  message: AnyMessage,
  recipients: string[],
  at: string,
): TrackRecord {
  if (message.type !== MessageType.InvestigationReport)
    throw new TypeError(`${message.type} is not a report`);
  const next = track ? structuredClone(track) : emptyTrack(message.case!, name, message.from, at);
  next.reports.push({
    investigationId: message.body.investigationId,
    messageId: message.id,
    at,
    parties: [message.from, ...recipients],
  });
  next.updatedAt = at;
  return next;
}
