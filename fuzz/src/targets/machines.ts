import * as fc from "fast-check";
import {
  applyInvestigation,
  applyReferral,
  machine,
  type Actor,
  type AnyMessage,
  type InvestigationRecord,
  type MachineName,
  type ReferralRecord,
} from "@frx/spec";
import { messageSeeds, type Envelope } from "../seeds.js";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

const ACTORS: Actor[] = ["referrer", "recipient", "proposer", "participant", "node", "outsider"];

interface Step {
  type: number;
  actor: Actor;
  /** The message's sequence relative to the record's version (1 is the next one). */
  seqDelta: number;
  level: number;
}
interface Input {
  machine: MachineName;
  steps: Step[];
}

/**
 * The referral and investigation machines driven by random sequences of their own message
 * types from random actors with right and wrong sequence numbers. Oracles: every refusal is a
 * `state.*` code and leaves the record as it was; every accepted step is a transition the
 * machine declares (from the current state, by that actor) into a declared state, and the
 * version never goes back.
 */
export function machinesTarget(): Promise<FuzzTarget<Input>> {
  const fixtures = new Map(messageSeeds().map((m) => [m.type, m]));
  const typesOf = (name: MachineName) => [...new Set(machine(name).transitions.map((t) => t.type))];
  const step = (count: number) =>
    fc.record({
      type: fc.nat({ max: count - 1 }),
      actor: fc.constantFrom(...ACTORS),
      seqDelta: fc.constantFrom(1, 1, 1, 0, 2, -1),
      level: fc.constantFrom(1, 2),
    });
  // Half the sequences open with the machine's create message from its creator, so that the
  // steps after it examine live records rather than refusals of an unknown one.
  const arbitrary = fc.constantFrom<MachineName>("referral", "investigation").chain((name) => {
    const create: Step = {
      type: typesOf(name).indexOf(machine(name).create),
      actor: name === "referral" ? "referrer" : "proposer",
      seqDelta: 1,
      level: 1,
    };
    return fc.record({
      machine: fc.constant(name),
      steps: fc
        .tuple(fc.boolean(), fc.array(step(typesOf(name).length), { minLength: 1, maxLength: 12 }))
        .map(([open, steps]) => (open ? [create, ...steps] : steps)),
    });
  });
  return Promise.resolve({
    name: "machines",
    surface: "the referral and investigation state machines",
    arbitrary,
    async check(input) {
      const def = machine(input.machine);
      const types = typesOf(input.machine);
      let record: ReferralRecord | InvestigationRecord | undefined;
      for (const [i, s] of input.steps.entries()) {
        const type = types[s.type]!;
        const template = fixtures.get(type) as Envelope;
        const body = { ...(template.body as object), investigationId: "INV-1", level: s.level };
        const message = {
          ...template,
          referral: "01KJPWGVT00H3GW7D0FZQ4NZAS",
          case: "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0",
          sequence: (record?.version ?? 0) + s.seqDelta,
          sentAt: new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString(),
          body,
        } as unknown as AnyMessage;
        const before = record ? structuredClone(record) : undefined;
        const r = await acceptedOrRefused(() =>
          input.machine === "referral"
            ? applyReferral(record as ReferralRecord | undefined, message, s.actor, "TH:DSDW")
            : applyInvestigation(record as InvestigationRecord | undefined, message, s.actor),
        );
        if (!r.ok) {
          if (!r.code.startsWith("state.")) fail(`${type} refused with ${r.code}`);
          if (JSON.stringify(record) !== JSON.stringify(before))
            fail("a refused step changed the record");
          continue;
        }
        const next = r.value;
        if (!(next.state in def.states)) fail(`left the declared states: ${next.state}`);
        if (next.version < (before?.version ?? 0)) fail("the version went back");
        const moved = !before || before.state !== next.state;
        const declared = def.transitions.some(
          (t) =>
            t.type === type &&
            t.to === next.state &&
            t.actors.includes(s.actor) &&
            (before ? t.from.includes(before.state) : t.from.length === 0),
        );
        // Steps that stay put (a level-1 overdue notice, a recorded answer) need no transition.
        if (moved && !declared)
          fail(`${before?.state ?? "∅"} → ${next.state} by ${s.actor} on ${type} is not declared`);
        record = next;
      }
    },
    close: () => Promise.resolve(),
  });
}
