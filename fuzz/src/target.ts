import type * as fc from "fast-check";

/**
 * One fuzz target: a surface that reads outside input, an arbitrary that generates such input
 * (structure-aware: valid seeds, then mutated), and an oracle that throws `OracleFailure` when
 * the surface's answer breaks a rule. Inputs are JSON values, so a failing one can be saved as
 * a regression fixture and replayed exactly.
 */
export interface FuzzTarget<T = unknown> {
  name: string;
  /** What outside input it reads, for the README and the run report. */
  surface: string;
  arbitrary: fc.Arbitrary<T>;
  /** Runs one input through the surface; resolves when every oracle held. */
  check(input: T): Promise<void>;
  /** Releases what the target holds (an in-process node). */
  close(): Promise<void>;
}

/** A target is built on demand: some hold an in-process node with fresh keys. */
export type TargetFactory = () => Promise<FuzzTarget<unknown>>;

/** An oracle that did not hold. Anything else a check throws is a crash of the surface. */
export class OracleFailure extends Error {
  override readonly name = "OracleFailure";
}

export function fail(message: string): never {
  throw new OracleFailure(message);
}
