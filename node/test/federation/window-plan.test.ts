import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlightPlan } from "../../src/federation/window.js";

/** A queue in stored order: each item's case (or none) and whether it has expired. */
const queue = fc.array(
  fc.record({
    case: fc.option(fc.constantFrom("A", "B", "C", "D"), { nil: undefined }),
    expired: fc.boolean(),
  }),
  { maxLength: 40 },
);

describe("FRX-FED-087: what a new transaction takes from the queue (property)", () => {
  it("never a case in flight, each case's earliest envelopes in order, and all it may up to its size", () => {
    fc.assert(
      fc.property(
        queue,
        fc.subarray(["A", "B", "C", "D"]),
        fc.array(fc.nat(39)),
        fc.integer({ min: 1, max: 10 }),
        (items, busyCases, busyIndexes, size) => {
          const keys = items.map((_, i) => `q!LA!${String(i).padStart(4, "0")}`);
          // The keys in flight carry their cases: those cases are busy too.
          const busyKeys = new Set(
            busyIndexes.filter((i) => i < items.length).map((i) => keys[i]!),
          );
          const cases = new Set(busyCases);
          items.forEach((item, i) => {
            if (busyKeys.has(keys[i]!) && item.case) cases.add(item.case);
          });
          const plan = new FlightPlan({ keys: busyKeys, cases }, size);
          const verdicts = items.map((item, i) => plan.offer(keys[i]!, item.case, item.expired));
          const taken = new Set(plan.taken);

          expect(plan.taken.length).toBeLessThanOrEqual(size);
          // Stored order is kept.
          expect(plan.taken).toEqual(keys.filter((k) => taken.has(k)));
          items.forEach((item, i) => {
            const key = keys[i]!;
            const eligible = !busyKeys.has(key) && !item.expired && !cases.has(item.case ?? "");
            if (taken.has(key)) expect(eligible).toBe(true);
            // Nothing eligible is left behind while there was room.
            else if (eligible) expect(verdicts[i]).toBe("full");
            if (item.expired && !busyKeys.has(key)) expect(verdicts[i]).toBe("expired");
          });
          // Per case, what is taken is the case's earliest eligible envelopes: once one is left
          // behind, no later one of that case is taken.
          for (const c of ["A", "B", "C", "D"]) {
            const ofCase = items
              .map((item, i) => ({ item, key: keys[i]! }))
              .filter(({ item, key }) => item.case === c && !busyKeys.has(key) && !item.expired);
            const flags = ofCase.map(({ key }) => taken.has(key));
            expect(flags).toEqual([...flags].sort((x, y) => Number(y) - Number(x)));
          }
          expect(new Set(plan.takenCases())).toEqual(
            new Set(items.filter((_, i) => taken.has(keys[i]!)).flatMap((it) => it.case ?? [])),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
