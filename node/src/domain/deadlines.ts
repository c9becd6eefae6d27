import { machine, type DeadlineRule, type MachineName, type MessageType } from "@frx/spec";
import type { CalendarConfig, NodeConfig } from "../config/config.js";
import type { DeadlineRecord } from "../store/records.js";
import { doubled, dueAt } from "./calendar.js";

export function deadlineKey(dueAtIso: string, id: string): string {
  return `${dueAtIso}!${id}`;
}

/** The SLA for a deadline kind and urgency: the node's override, else the spec's default. */
export function slaFor(
  config: NodeConfig,
  machineName: MachineName,
  rule: DeadlineRule,
  urgency: string,
) {
  return (
    config.slaOverrides[machineName]?.[rule.kind]?.[urgency] ??
    rule.due[urgency] ??
    rule.due.routine!
  );
}

/**
 * A new deadline record: due per FRX-DL-003, its reminder at the rule's fraction of the elapsed
 * span, and level 2 at the deadline computed with the duration doubled (2N working days or 2N
 * hours, spec/state-machines.md "Computing a deadline").
 */
export function planDeadline(
  config: NodeConfig,
  machineName: Exclude<MachineName, "remedy" | "sanction">,
  rule: DeadlineRule,
  subject: string,
  caseId: string,
  urgency: string,
  start: Date,
  notify: string[],
  calendar: CalendarConfig = config.calendar,
): DeadlineRecord {
  const sla = slaFor(config, machineName, rule, urgency);
  const due = dueAt(start, sla, calendar);
  const span = due.getTime() - start.getTime();
  return {
    id: `${machineName}:${subject}:${rule.kind}`,
    machine: machineName,
    subject,
    case: caseId,
    kind: rule.kind,
    startedAt: start.toISOString(),
    dueAt: due.toISOString(),
    remindAt: new Date(start.getTime() + span * rule.remindAtFraction).toISOString(),
    expireAt: dueAt(start, doubled(sla), calendar).toISOString(),
    stage: "pending",
    notify,
  };
}

/** What a message does to a subject's deadlines: which rules start (or restart) and which are met. */
export function deadlineEffects(
  machineName: MachineName,
  type: MessageType,
): { start: DeadlineRule[]; stop: DeadlineRule[] } {
  const rules = machine(machineName).deadlines;
  return {
    start: rules.filter((r) => r.startsOn === type || (r.restartsOn ?? []).includes(type)),
    stop: rules.filter((r) => r.metBy.includes(type) || (r.restartsOn ?? []).includes(type)),
  };
}

/** The next instant a deadline needs attention, by stage. */
export function nextWake(d: DeadlineRecord): string | null {
  switch (d.stage) {
    case "pending":
      return d.remindAt;
    case "reminded":
      return d.dueAt;
    case "overdue":
      return d.expireAt;
    case "expired":
      return null;
  }
}
