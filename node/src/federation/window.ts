import { MAX_WINDOW } from "@frx/spec";
import type { AppContext } from "../context.js";
import { flightRange, legacyFlightKey, type InFlight, type OutboxItem } from "./outbox-store.js";

/** One transaction of a peer's window: where it is stored, what it is, and whether a lane is sending it. */
export interface WindowEntry {
  key: string;
  flight: InFlight;
  owned: boolean;
}

/** What the transactions in flight hold: their queue keys and the cases of their envelopes. */
export interface Busy {
  keys: ReadonlySet<string>;
  cases: ReadonlySet<string>;
}

/** The window the operator configured, within what the protocol allows (FRX-FED-047). */
export function windowSize(ctx: AppContext): number {
  return Math.max(1, Math.min(MAX_WINDOW, Math.floor(ctx.config.federation.window)));
}

/**
 * What goes into the next transaction for a peer, decided item by item in stored order
 * (FRX-FED-087): an item already in flight is passed over; an expired one is dead-lettered
 * (FRX-FED-052); one of a case that a transaction in flight carries waits for that one to
 * settle; the rest are taken, up to `size`. Since the cases in flight do not change while a
 * transaction is built, what it takes of each case is that case's earliest queued envelopes,
 * in their order. Envelopes that name no case belong to no case and never wait.
 */
export class FlightPlan {
  readonly taken: string[] = [];
  private readonly cases = new Set<string>();

  constructor(
    private readonly busy: Busy,
    private readonly size: number,
  ) {}

  offer(
    key: string,
    caseId: string | undefined,
    expired: boolean,
  ): "in-flight" | "expired" | "case-busy" | "full" | "take" {
    if (this.busy.keys.has(key)) return "in-flight";
    if (expired) return "expired";
    if (caseId !== undefined && this.busy.cases.has(caseId)) return "case-busy";
    if (this.full) return "full";
    this.taken.push(key);
    if (caseId !== undefined) this.cases.add(caseId);
    return "take";
  }

  get full(): boolean {
    return this.taken.length >= this.size;
  }

  /** The cases of the envelopes taken, to record with the transaction. */
  takenCases(): string[] {
    return [...this.cases];
  }
}

/** The keys and cases the entries' transactions hold (plus any given keys, such as a transaction being settled). */
export function busyOf(entries: Iterable<WindowEntry>, also: Iterable<string> = []): Busy {
  const keys = new Set<string>(also);
  const cases = new Set<string>();
  for (const e of entries) {
    for (const k of e.flight.keys) keys.add(k);
    for (const c of e.flight.cases ?? []) cases.add(c);
  }
  return { keys, cases };
}

/**
 * Every transaction recorded in flight to the peer, oldest first, as a restart finds them
 * (FRX-FED-089), with the one a node from before the window kept under its old key. A record
 * without its cases (the old one) gets them from its queued items.
 */
export async function loadWindow(ctx: AppContext, peer: string): Promise<WindowEntry[]> {
  const stored = await ctx.store.range<InFlight>("outbox", flightRange(peer));
  const legacy = await ctx.store.get<InFlight>("outbox", legacyFlightKey(peer));
  const found: Array<[string, InFlight]> = legacy
    ? [[legacyFlightKey(peer), legacy], ...stored]
    : stored;
  const entries: WindowEntry[] = [];
  for (const [key, flight] of found) {
    let cases = flight.cases;
    if (!cases) {
      const items = await Promise.all(
        flight.keys.map((k) => ctx.store.get<OutboxItem>("outbox", k)),
      );
      cases = [...new Set(items.flatMap((i) => (i?.case ? [i.case] : [])))];
    }
    entries.push({ key, flight: { ...flight, cases }, owned: false });
  }
  return entries.sort((a, b) => (a.flight.createdAt < b.flight.createdAt ? -1 : 1));
}
