import type { ClientEvent } from "./contract.js";
import { goodLocal, verificationItems, type PlantedItem } from "./inbox-items.js";
import type { Fault, Ledger } from "./ledger.js";
import { caseWorkTasks, type ClientTask } from "./tasks.js";
import type { ClientWorld } from "./world.js";

/**
 * One run of the client under test against the stand-in node. The client does the same in
 * every scenario (read the inbox, verify each item, answer each referral that verified, then
 * do the tasks of its task file); the scenarios differ in what the inbox holds, in the tasks,
 * and in how the node answers the first new envelope the client submits.
 */
export interface Scenario {
  name: string;
  summary: string;
  items(world: ClientWorld): PlantedItem[];
  /** The tasks (none when absent); `evidenceFile` is a file the suite wrote for them. */
  tasks?(world: ClientWorld, items: readonly PlantedItem[], evidenceFile: string): ClientTask[];
  fault?: Fault;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "inbox",
    summary:
      "eight inbox items: three that verify (one from the foreign node, one that has expired since it was received) and five that do not",
    items: (w) => verificationItems(w),
  },
  {
    name: "rate-limited",
    summary: "the first submission is refused with request.rate-limited and Retry-After: 2",
    items: (w) => [goodLocal(w)],
    fault: "rate-limited",
  },
  {
    name: "not-ready",
    summary:
      "the first submission is refused with 503 node.not-ready and Retry-After: 2 (a node that cannot store yet)",
    items: (w) => [goodLocal(w)],
    fault: "not-ready",
  },
  {
    name: "lost-reply",
    summary:
      "the first submission is stored but its connection closes without an answer; a resend gets 200 duplicate",
    items: (w) => [goodLocal(w)],
    fault: "drop",
  },
  {
    name: "conflict",
    summary: "the first submission is refused with 409 idempotency.conflict",
    items: (w) => [goodLocal(w)],
    fault: "conflict",
  },
  {
    name: "receipt-stranger",
    summary:
      "the first submission is answered with a receipt signed by a key that is not the node's",
    items: (w) => [goodLocal(w)],
    fault: "receipt-stranger",
  },
  {
    name: "receipt-digest",
    summary: "the first submission is answered with a receipt that echoes another digest",
    items: (w) => [goodLocal(w)],
    fault: "receipt-digest",
  },
  {
    name: "case-work",
    summary:
      "one referral in the inbox; tasks: open a case about a worker, refer the worker to two agencies, send a payslip as evidence and propose a joint investigation with XA in it; refer the inbox referral's worker onward; report statistics with counts under 11; look up an employer in the federation's registries (XA's answer does not verify)",
    items: (w) => [goodLocal(w)],
    tasks: caseWorkTasks,
  },
];

/** What one scenario's run left: the planted items, the node's ledger, the client's report. */
export interface ScenarioRun {
  scenario: Scenario;
  /** The participant id the client acted as. */
  participant: string;
  items: PlantedItem[];
  tasks: ClientTask[];
  ledger: Ledger;
  events: ClientEvent[];
  /** Output lines that were not events of the contract. */
  ignored: string[];
  exit: { code: number | null; signal: string | null; timedOut: boolean };
  /** The end of the client's standard error, for the report's notes. */
  stderr: string;
  durationMs: number;
}
