import { requirement } from "../suite/define.js";
import type { ClientEvent } from "./contract.js";
import type { ScenarioRun } from "./scenarios.js";

/** One check of the client profile: a requirement on agency systems, judged from the runs. */
export interface ClientCheck {
  id: string;
  title: string;
  area: "client";
  mandatory: boolean;
  covers: string[];
  /** The scenarios it judges; empty: every scenario. */
  scenarios: string[];
  /** What is wrong; empty when the client passes. */
  judge(runs: readonly ScenarioRun[]): string[];
}

/** A check of requirement `id` (a `/variant` suffix for a second one), titled by its sentence. */
export function check(
  id: string,
  scenarios: string[],
  judge: (runs: readonly ScenarioRun[]) => string[],
  covers: string[] = [],
): ClientCheck {
  const base = id.split("/")[0]!;
  const r = requirement(base);
  for (const c of covers) requirement(c);
  return {
    id,
    title: r.text,
    area: "client",
    mandatory: r.level.startsWith("MUST"),
    covers: [base, ...covers],
    scenarios,
    judge,
  };
}

/** What the client reported of one message id. */
export const eventsOf = (run: ScenarioRun, messageId: string): ClientEvent[] =>
  run.events.filter((e) => "messageId" in e && e.messageId === messageId);
