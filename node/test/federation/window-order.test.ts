import fc from "fast-check";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { flightRange } from "../../src/federation/outbox-store.js";
import { fixture } from "../harness.js";
import { Cluster, eventually } from "./cluster.js";

/**
 * What happens to one transaction request from TH to LA: delivered; lost on the way (LA never
 * sees it); lost on the way back (LA applies it, TH hears nothing); refused as a whole (503);
 * delivered twice at once; or delivered together with a replay of an earlier request. Each
 * is held back a few milliseconds first, so the transactions of the window overtake each other.
 */
type Fault = "ok" | "lose-request" | "lose-reply" | "refuse" | "twice" | "replay";
const FAULTS: Fault[] = ["ok", "lose-request", "lose-reply", "refuse", "twice", "replay"];

/** Crockford base32 digits, for ids that differ in their last characters. */
const B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const caseId = (n: number) => `TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9${B32[n]}0`;
const messageId = (n: number) => `01KJPWGVT06F3AHQXK8TNB${B32[n >> 5]}${B32[n & 31]}00`;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const scenario = fc.record({
  window: fc.integer({ min: 1, max: 4 }),
  batch: fc.integer({ min: 1, max: 4 }),
  /** The case of each envelope, in the order TH's agency submits them. */
  cases: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 24 }),
  /** The fate of the first requests; every later one is delivered. */
  faults: fc.array(
    fc.record({ fault: fc.constantFrom(...FAULTS), delayMs: fc.integer({ min: 0, max: 20 }) }),
    { maxLength: 24 },
  ),
});

describe("per-case order through a window of transactions (property)", () => {
  it("LA applies every envelope once and each case in TH's order, whatever the transactions meet", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ window, batch, cases, faults }) => {
        await cluster?.close();
        cluster = await Cluster.start(["TH", "LA"], (c) => {
          c.federation.window = window;
          c.federation.batchSize = batch;
          c.federation.backoffBaseMs = 5;
          c.federation.backoffCapMs = 40;
        });
        const th = cluster.get("TH");
        const la = cluster.get("LA");
        await th.node.ctx.peers.ensure("LA");
        const client = th.node.ctx.peerClient as unknown as {
          call: (...a: unknown[]) => Promise<{ status: number; text: string }>;
        };
        const real = client.call.bind(client);
        const earlier: unknown[][] = [];
        const overlaps: string[] = [];
        let puts = 0;
        client.call = async (...args: unknown[]) => {
          if (args[0] !== "PUT") return real(...args);
          // No two transactions in flight share a case (FRX-FED-087), as recorded on disk.
          const flights = await th.node.ctx.store.range<{ cases: string[] }>(
            "outbox",
            flightRange("LA"),
          );
          const inFlight = flights.flatMap(([, f]) => f.cases);
          if (new Set(inFlight).size !== inFlight.length) overlaps.push(inFlight.join());
          const { fault, delayMs } = faults[puts++] ?? { fault: "ok", delayMs: 0 };
          await sleep(delayMs);
          const previous = earlier[Math.floor(earlier.length / 2)];
          earlier.push(args);
          switch (fault) {
            case "lose-request":
              throw new Error("request lost");
            case "lose-reply":
              await real(...args);
              throw new Error("reply lost");
            case "refuse":
              return { status: 503, text: "{}" };
            case "twice":
              return (await Promise.all([real(...args), real(...args)]))[1];
            case "replay":
              if (previous) await real(...previous);
              return real(...args);
            default:
              return real(...args);
          }
        };

        const sent = cases.map((c, i) => ({
          ...fixture("case.notify"),
          id: messageId(i),
          case: caseId(c),
          to: [{ participant: "LA:MOLSW" }],
          purpose: "case_coordination",
        }));
        for (const env of sent) expect((await th.submit(th.sign(env))).status).toBe(201);
        await eventually(
          async () => (await th.node.ctx.store.range("outbox")).length === 0,
          "TH's outbox to drain",
        );

        expect(overlaps).toEqual([]);
        expect(await th.node.ctx.store.range("deadLetters")).toEqual([]);
        const accepted = (
          await la.node.ctx.store.range<{ kind: string; messageId?: string }>("audit")
        )
          .map(([, e]) => e)
          .filter((e) => e.kind === "accepted")
          .map((e) => e.messageId!);
        // Each once…
        expect([...accepted].sort()).toEqual(sent.map((e) => e.id).sort());
        // …and each case in the order TH stored it.
        for (const c of new Set(cases))
          expect(
            accepted.filter((id) => sent.find((e) => e.id === id)!.case === caseId(c)),
          ).toEqual(sent.filter((e) => e.case === caseId(c)).map((e) => e.id));
      }),
      { numRuns: 8 },
    );
  }, 300_000);
});
