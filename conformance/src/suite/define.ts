import { requirements } from "@frx/spec";
import type { Harness } from "../harness/harness.js";

/** core: one node and its agencies; federation: the node with the harness peer node. */
export type Profile = "core" | "federation";

export interface ConformanceTest {
  /** The requirement it checks, e.g. FRX-SIG-004; a second test of one requirement adds "/variant". */
  id: string;
  /** The requirement's sentence, from the generated requirements list. */
  title: string;
  /** The spec section the test file covers. */
  area: string;
  profile: Profile;
  /** Only mandatory tests decide a certification run's outcome. */
  mandatory: boolean;
  /** Every requirement the test asserts (its own first). */
  covers: string[];
  /** Starts background work (a scenario) before the tests run. */
  prepare?(h: Harness): void;
  /** A longer bound than the runner's usual one (a test that restarts the node). */
  timeoutMs?: number;
  run(h: Harness): Promise<void>;
}

export type Requirement = (typeof requirements)[number];

/** The requirement with this id; a TypeError when the spec has none (a stale test). */
export function requirement(id: string): Requirement {
  const r = requirements.find((x) => x.id === id);
  if (!r) throw new TypeError(`the spec has no requirement ${id}`);
  return r;
}

export interface TestOptions {
  covers?: string[];
  mandatory?: boolean;
  prepare?(h: Harness): void;
  timeoutMs?: number;
}

/**
 * Declares the tests of one spec section. The title is the requirement's sentence; a test
 * is mandatory when its requirement is a MUST or MUST NOT (unless said otherwise).
 *
 * @example const t = section("signing", "core"); export const tests = [t("FRX-SIG-008", async (h) => …)]
 */
export function section(area: string, profile: Profile) {
  return (id: string, run: (h: Harness) => Promise<void>, o: TestOptions = {}): ConformanceTest => {
    const base = id.split("/")[0]!;
    const r = requirement(base);
    for (const c of o.covers ?? []) requirement(c);
    return {
      id,
      title: r.text,
      area,
      profile,
      mandatory: o.mandatory ?? r.level.startsWith("MUST"),
      covers: [base, ...(o.covers ?? [])],
      ...(o.prepare ? { prepare: o.prepare } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      run,
    };
  };
}
