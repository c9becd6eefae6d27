import { machineDefinitions, retentionDefaults, parseInstant } from "@frx/spec";
import type { InvestigationRecord, ReferralRecord } from "@frx/spec";
import type { RetentionOverrides } from "../config/config.js";
import type { AppContext } from "../context.js";
import type { CaseRecord } from "../store/records.js";
import { erase, type ErasureRecord } from "./erase.js";
import { holdOf } from "./holds.js";
import { openedMessages, type OpenedMessage } from "./scan.js";

const DAY_MS = 86_400_000;

/** The retention periods a node applies (FRX-DP-004): the spec's defaults with the node's overrides. */
export interface RetentionPeriods {
  tiers: Record<string, number>;
  types: Record<string, Record<string, number>>;
}

export function retentionPeriods(overrides: RetentionOverrides | undefined): RetentionPeriods {
  const defaults = retentionDefaults as unknown as RetentionPeriods;
  const types: Record<string, Record<string, number>> = {};
  for (const [type, byTier] of Object.entries(defaults.types)) types[type] = { ...byTier };
  for (const [type, byTier] of Object.entries(overrides?.types ?? {}))
    types[type] = { ...types[type], ...byTier };
  return { tiers: { ...defaults.tiers, ...overrides?.tiers }, types };
}

/** Days a message of this type and tier keeps its content, or undefined (T0: kept). */
export function periodOf(
  p: RetentionPeriods,
  type: string,
  tier: string | undefined,
): number | undefined {
  if (tier === undefined) return undefined;
  return p.types[type]?.[tier] ?? p.tiers[tier];
}

const terminal = (machine: "referral" | "investigation", state: string): boolean => {
  const def = (
    machineDefinitions as Record<string, { states: Record<string, { terminal: boolean }> }>
  )[machine];
  return def?.states[state]?.terminal === true;
};

/**
 * When a case closed: the last change to it or its threads, once none of its referrals and
 * none of its investigations is in a non-terminal state; undefined while any is open.
 */
export async function caseClosedAt(ctx: AppContext, c: CaseRecord): Promise<number | undefined> {
  let last = parseInstant(c.updatedAt);
  for (const id of c.referrals) {
    const r = await ctx.store.get<ReferralRecord>("referrals", id);
    if (!r) continue;
    if (!terminal("referral", r.state)) return undefined;
    last = Math.max(last, parseInstant(r.updatedAt));
  }
  for (const id of c.investigations) {
    const i = await ctx.store.get<InvestigationRecord>("investigations", id);
    if (!i) continue;
    if (!terminal("investigation", i.state)) return undefined;
    last = Math.max(last, parseInstant(i.updatedAt));
  }
  return last;
}

/** One message whose content is due for erasure. */
export interface DueMessage {
  messageId: string;
  type: string;
  tier: string;
  case?: string;
  dueAt: string;
}

export interface RetentionReport {
  dryRun: boolean;
  at: string;
  /** Due and erased (or, in a dry run, to be erased). */
  due: DueMessage[];
  /** Due, but in a case under a legal hold: kept. */
  held: Array<DueMessage & { hold: string }>;
  erasure?: ErasureRecord;
}

/**
 * The retention job (FRX-DP-004): finds every message whose content's time has come, keeps
 * those in cases under a legal hold (FRX-DP-008), and erases the others in one recorded batch.
 * A dry run reports the same lists and writes nothing.
 */
export async function runRetention(
  ctx: AppContext,
  options: { dryRun: boolean; actor: string },
): Promise<RetentionReport> {
  const now = ctx.clock.now();
  const periods = retentionPeriods(ctx.config.retention);
  const closed = new Map<string, number | undefined>();
  const holds = new Map<string, string | undefined>();
  const due: DueMessage[] = [];
  const held: RetentionReport["held"] = [];
  const dueIds = new Set<string>();
  const decide = async (m: OpenedMessage): Promise<void> => {
    const message = m.message!;
    const days = periodOf(periods, message.type, message.tier);
    if (days === undefined) return;
    let from = parseInstant(m.record.receivedAt);
    const caseId = m.record.case;
    if (caseId !== undefined) {
      if (!closed.has(caseId)) {
        const c = await ctx.store.get<CaseRecord>("cases", caseId);
        closed.set(caseId, c ? await caseClosedAt(ctx, c) : from);
        holds.set(caseId, (await holdOf(ctx, caseId))?.id);
      }
      const at = closed.get(caseId);
      if (at === undefined) return;
      from = at;
    }
    const dueMs = from + days * DAY_MS;
    if (dueMs > now.getTime()) return;
    const entry: DueMessage = {
      messageId: m.record.id,
      type: message.type,
      tier: message.tier!,
      ...(caseId ? { case: caseId } : {}),
      dueAt: new Date(dueMs).toISOString(),
    };
    const hold = caseId ? holds.get(caseId) : undefined;
    if (hold) held.push({ ...entry, hold });
    else {
      due.push(entry);
      dueIds.add(entry.messageId);
    }
  };
  for await (const m of openedMessages(ctx)) if (m.message) await decide(m);
  const report: RetentionReport = { dryRun: options.dryRun, at: now.toISOString(), due, held };
  if (options.dryRun || (due.length === 0 && held.length === 0)) return report;
  const erasure = await erase(ctx, {
    reason: "retention",
    by: options.actor,
    note: "retention period passed (FRX-DP-004)",
    heldCases: [...new Set(held.map((h) => h.case!))],
    // Decided above; chosen again by id inside the node's queue, so a message is erased once.
    choose: (m) => dueIds.has(m.record.id),
  });
  return { ...report, erasure };
}
