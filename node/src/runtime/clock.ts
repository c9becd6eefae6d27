import { monotonicFactory } from "ulid";

/** Time and ids are injected so tests can freeze them. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. @example const clock = new ManualClock("2026-03-02T09:00:00Z"); clock.advance(3600_000) */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: string | Date) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(to: string | Date): void {
    this.t = new Date(to).getTime();
  }
}

export type IdGenerator = () => string;

/** ULIDs from the given clock, monotonic within a millisecond. */
export function ulidGenerator(clock: Clock): IdGenerator {
  const next = monotonicFactory();
  return () => next(clock.now().getTime());
}

/** An RFC 3339 instant without milliseconds when they are zero, Z suffix. */
export function iso(date: Date): string {
  return date.toISOString();
}
