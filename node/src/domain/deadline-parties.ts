import {
  machine,
  type DeadlineRule,
  type InvestigationRecord,
  type ReferralRecord,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { DeadlineRecord } from "../store/records.js";

/** The node part of a participant id: `TH` of `TH:DOE`. */
export function nodeOf(participant: string): string {
  const i = participant.indexOf(":");
  return i < 0 ? participant : participant.slice(0, i);
}

/**
 * The node authoritative for a thread, which alone runs its deadlines (FRX-DL-001) and sends
 * its deadline notices: the recipient's node for a referral, the proposer's node for an
 * investigation (spec/state-machines.md, "Authority").
 */
export function authorityOf(
  thread:
    | { machine: "referral"; record: ReferralRecord }
    | { machine: "investigation"; record: InvestigationRecord },
): string {
  return thread.machine === "referral"
    ? nodeOf(thread.record.recipient)
    : nodeOf(thread.record.proposer);
}

/** A thread as its deadlines see it: who owes the action, who created it, and whether it is over. */
export interface DeadlineThread {
  machine: "referral" | "investigation";
  state: string;
  terminal: boolean;
  /** The party that owes the action: the recipient, or each invitee that has not answered. */
  owes: string[];
  /** The referrer or proposer. */
  creator: string;
  /** The referral record, for the scheduler's move to `expired`. */
  referral?: ReferralRecord;
}

/** Reads the thread a deadline runs for; undefined when it is gone. */
export async function threadOf(
  ctx: AppContext,
  d: DeadlineRecord,
): Promise<DeadlineThread | undefined> {
  if (d.machine === "referral") {
    const r = await ctx.store.get<ReferralRecord>("referrals", d.subject);
    if (!r) return undefined;
    return {
      machine: "referral",
      state: r.state,
      terminal: machine("referral").states[r.state]?.terminal ?? false,
      owes: [r.recipient],
      creator: r.referrer,
      referral: r,
    };
  }
  const i = await ctx.store.get<InvestigationRecord>("investigations", d.subject);
  if (!i) return undefined;
  return {
    machine: "investigation",
    state: i.state,
    // The respond deadline runs while invitees owe an answer: only in `proposed`.
    terminal: i.state !== "proposed",
    owes: Object.entries(i.responses)
      .filter(([, answer]) => answer === "pending")
      .map(([p]) => p),
    creator: i.proposer,
  };
}

/**
 * Who a missed deadline escalates to (the rule's `escalateTo`): the referrer or proposer, and
 * for `national_coordinator` the coordinators of every country the thread spans (the
 * creator's and each owing party's node, FRX-DL-010): this node's from its directory, a
 * peer's from its cached signed directory. Bounded to the 10 addresses `escalatedTo` holds.
 */
export async function escalationTargets(
  ctx: AppContext,
  rule: DeadlineRule,
  thread: DeadlineThread,
): Promise<string[]> {
  const out = new Set<string>();
  for (const who of rule.escalateTo) {
    if (who === "referrer" || who === "proposer") out.add(thread.creator);
    if (who === "national_coordinator")
      for (const node of new Set([thread.creator, ...thread.owes].map(nodeOf)))
        for (const p of await coordinatorsOf(ctx, node)) out.add(p);
  }
  return [...out].slice(0, 10);
}

async function coordinatorsOf(ctx: AppContext, node: string): Promise<string[]> {
  if (node === ctx.config.node) return (await ctx.directory.coordinators()).map((p) => p.id);
  // The cached copy only: the scheduler runs in the serial section, where no peer is fetched
  // (FRX-FED-068). A peer whose agency sent the referral or was invited is cached here.
  const directory = await ctx.peers.get(node);
  return (directory?.participants ?? [])
    .filter(
      (p) =>
        p.status === "active" &&
        p.id.startsWith(`${node}:`) &&
        (p.coordinator === true || (p.roles as string[]).includes("national_coordinator")),
    )
    .map((p) => p.id);
}
