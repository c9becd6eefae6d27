import { canonicalize, MessageType, sensitiveFields, type AnyMessage } from "@frx/spec";
import { PEER_NODE } from "../kit/agencies.js";
import { check, type ClientCheck } from "./check.js";
import type { ScenarioRun } from "./scenarios.js";
import {
  plantedRefs,
  pseudonyms,
  recipients,
  refOf,
  sent,
  strings,
  taskOf,
  ulidTime,
} from "./sent.js";
import { TASK_PERSON } from "./tasks.js";

/**
 * The checks of what the client sends when it does its tasks (scenario case-work): the
 * obligations of an agency system that a node cannot see — how it mints case ids and
 * pseudonyms, whom it sends a pseudonym to, the files it lists, the host of a joint
 * investigation, the cells it suppresses. Each judges the envelopes that verified at the
 * stand-in node, and fails, rather than passing on nothing, when the client sent none that the
 * check could judge.
 */
const SCENARIO = "case-work";
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** How far a fresh ULID's time may lie from the scenario's run (clocks drift a little). */
const FRESH_MS = 5 * 60_000;

/** Runs `judge` on the case-work scenario's run; `none` says what was missing to judge. */
function onCaseWork(
  judge: (run: ScenarioRun, messages: AnyMessage[]) => string[] | string,
): (runs: readonly ScenarioRun[]) => string[] {
  return (runs) =>
    runs
      .filter((r) => r.scenario.name === SCENARIO)
      .flatMap((run) => {
        const out = judge(run, sent(run));
        return (typeof out === "string" ? [out] : out).map((m) => `scenario ${SCENARIO}: ${m}`);
      });
}

/** The message of the open-case task: its referrals, its evidence and its proposal. */
function openCaseMessages(messages: AnyMessage[]): AnyMessage[] {
  return messages.filter(
    (m) =>
      refOf(m, TASK_PERSON) !== undefined ||
      m.type === MessageType.EvidenceProvide ||
      m.type === MessageType.InvestigationPropose,
  );
}

export const TASK_CHECKS: readonly ClientCheck[] = [
  check(
    "FRX-ENV-005",
    [SCENARIO],
    onCaseWork((run, messages) => {
      const own = openCaseMessages(messages);
      if (own.length === 0)
        return "the client sent nothing of the open-case task, so no case id could be judged";
      const out: string[] = [];
      const cases = new Set(own.map((m) => m.case ?? "(none)"));
      if (cases.size > 1)
        out.push(
          `the open-case task's messages carry ${cases.size} case ids: ${[...cases].join(", ")}`,
        );
      const prefix = `${run.participant}:`;
      for (const id of cases) {
        const tail = id.startsWith(prefix) ? id.slice(prefix.length) : undefined;
        if (!tail || !ULID.test(tail)) {
          out.push(`case id ${id} is not ${prefix} and a ULID`);
          continue;
        }
        const t = ulidTime(tail);
        if (t < run.ledger.startedAt - FRESH_MS || t > Date.now() + FRESH_MS)
          out.push(`case id ${id}'s ULID was minted at ${new Date(t).toISOString()}, not now`);
        if (run.items.some((i) => i.record.case === id))
          out.push(`case id ${id} is the id of a case the client received`);
      }
      const onward = taskOf(run, "refer-onward");
      const planted = run.items.find((i) => i.record.referral === onward?.referral);
      for (const m of messages)
        if (planted && m.type === MessageType.ReferralCreate && m.to.length === 1)
          if (recipients(m)[0] === onward!.to && refOf(m, TASK_PERSON) === undefined)
            if (m.case !== planted.record.case)
              out.push(
                `the onward referral ${m.id} carries case ${m.case}, not the received case ${planted.record.case} unchanged`,
              );
      return out;
    }),
  ),
  check(
    "FRX-ENV-006",
    [SCENARIO],
    onCaseWork((run, messages) => {
      const planted = plantedRefs(run);
      const byRef = new Map<string, Set<string>>();
      // The counterpart of an envelope is its addressees together: one addressed to several
      // breaks FRX-ENV-008, judged there, not a second counterpart here.
      for (const m of messages)
        for (const ref of pseudonyms(m.body))
          if (!planted.has(ref)) {
            const who = recipients(m).join(" with ");
            byRef.set(ref, (byRef.get(ref) ?? new Set()).add(who));
          }
      const task = taskOf(run, "open-case");
      const reached = new Set(
        messages.filter((m) => refOf(m, TASK_PERSON) !== undefined).flatMap(recipients),
      );
      if (!task || task.referTo.some((to) => !reached.has(to)))
        return `the client did not refer the worker ${TASK_PERSON} to each of ${task?.referTo.join(" and ")}, so no pseudonyms per counterpart could be judged`;
      return [...byRef]
        .filter(([, to]) => to.size > 1)
        .map(([ref, to]) => `pseudonym ${ref} was sent to ${[...to].join(" and ")}`);
    }),
  ),
  check(
    "FRX-ENV-007",
    [SCENARIO],
    onCaseWork((run, messages) => {
      const planted = plantedRefs(run);
      const task = taskOf(run, "refer-onward");
      const item = run.items.find((i) => i.record.referral === task?.referral);
      const onward = messages.filter(
        (m) =>
          m.type === MessageType.ReferralCreate &&
          m.case === item?.record.case &&
          recipients(m).includes(task?.to ?? ""),
      );
      if (!task || !item || onward.length === 0)
        return `the client did not refer the worker of referral ${task?.referral} onward to ${task?.to}, so the use of the received pseudonym could not be judged`;
      return messages.flatMap((m) =>
        [...pseudonyms(m.body)].flatMap((ref) => {
          const minter = planted.get(ref);
          const others = recipients(m).filter((to) => minter !== undefined && to !== minter);
          return others.length > 0
            ? [`${m.type} ${m.id} carries ${minter}'s pseudonym ${ref} to ${others.join(", ")}`]
            : [];
        }),
      );
    }),
  ),
  check(
    "FRX-ENV-008",
    [SCENARIO],
    onCaseWork((_run, messages) => {
      const carrying = messages.filter((m) => pseudonyms(m.body).size > 0);
      if (carrying.length === 0)
        return "the client sent no envelope carrying a personRef or suspectRef";
      return carrying
        .filter((m) => m.to.length !== 1 || !("participant" in m.to[0]!))
        .map((m) => `${m.type} ${m.id} carries a pseudonym to ${recipients(m).join(", ")}`);
    }),
  ),
  check(
    "FRX-MSG-004",
    [SCENARIO],
    onCaseWork((_run, messages) => {
      const evidence = messages.filter((m) => m.type === MessageType.EvidenceProvide);
      if (evidence.length === 0) return "the client sent no evidence.provide";
      return evidence.flatMap((m) => {
        const items = (m.body as { items?: Array<Record<string, unknown>> }).items ?? [];
        const listed = (m.attachments ?? []) as Array<Record<string, unknown>>;
        return items
          .filter((i) => typeof i.sha256 === "string")
          .filter(
            (i) =>
              !listed.some(
                (a) => a.sha256 === i.sha256 && a.size === i.size && a.mediaType === i.mediaType,
              ),
          )
          .map(
            (i) =>
              `evidence.provide ${m.id}: item ${String(i.evidenceId)}'s file (${String(i.sha256)}, ${String(i.size)} bytes, ${String(i.mediaType)}) is not listed in attachments with the same sha256, size and mediaType`,
          );
      });
    }),
  ),
  check(
    "FRX-INV-008",
    [SCENARIO],
    onCaseWork((_run, messages) => {
      const joint = messages.filter(
        (m) =>
          m.type === MessageType.InvestigationPropose &&
          (m.body as { mode?: string }).mode === "joint",
      );
      if (joint.length === 0) return "the client proposed no joint investigation";
      return joint
        .filter((m) => typeof (m.body as { hostCountry?: unknown }).hostCountry !== "string")
        .map((m) => `investigation.propose ${m.id} is joint and names no hostCountry`);
    }),
  ),
  check(
    "FRX-POL-026",
    [SCENARIO],
    onCaseWork((run, messages) => {
      const reports = messages.filter((m) => m.type === MessageType.StatsReport);
      const task = taskOf(run, "report-stats");
      if (reports.length === 0 || !task) return "the client sent no stats.report";
      type Cell = { dimensions: unknown; metric: string; value: unknown; suppressed: unknown };
      return reports.flatMap((m) => {
        const cells = (m.body as { cells: Cell[] }).cells;
        return task.counts.flatMap((count) => {
          const cell = cells.find(
            (c) =>
              c.metric === count.metric &&
              canonicalize(c.dimensions) === canonicalize(count.dimensions),
          );
          const what = `${count.metric} ${canonicalize(count.dimensions)} (${count.count})`;
          if (count.count >= 11) return [];
          if (!cell)
            return [`stats.report ${m.id} leaves out the cell ${what} instead of suppressing it`];
          return cell.value === null && cell.suppressed === true
            ? []
            : [
                `stats.report ${m.id}: the cell ${what} is computed from fewer than 11 but carries value ${String(cell.value)}, suppressed ${String(cell.suppressed)}`,
              ];
        });
      });
    }),
  ),
  check(
    "FRX-REG-008",
    [SCENARIO],
    onCaseWork((run) => {
      const said = run.events.flatMap((e) => (e.event === "registry" ? [e] : []));
      if (said.length === 0)
        return "the client reported no result of its registry lookup (the registry-lookup task)";
      const node = run.participant.split(":")[0]!;
      const out: string[] = [];
      if (!said.some((e) => e.node === node && e.status === "answered"))
        out.push(`the client did not rely on ${node}'s answer, whose JWS verifies`);
      for (const e of said.filter((x) => x.node === PEER_NODE && x.status === "answered"))
        out.push(
          `the client relied on ${e.node}'s answer, whose JWS is signed by a key the trust list does not give ${e.node}`,
        );
      if (!said.some((e) => e.node === PEER_NODE))
        out.push(`the client reported no result for ${PEER_NODE}`);
      return out;
    }),
  ),
  check(
    "FRX-POL-025",
    [SCENARIO],
    onCaseWork((_run, messages) => {
      // The task worker's name is identity: it may stand only in fields tagged identity.
      const name = TASK_PERSON.toLowerCase();
      let seen = 0;
      const out = messages.flatMap((m) => {
        const tagged = sensitiveFields(m)
          .filter((f) => f.tags.includes("identity"))
          .map((f) => f.pointer);
        return strings(m)
          .filter(([, v]) => v.toLowerCase().includes(name))
          .filter(([p]) => {
            const inTagged = tagged.some((t) => p === t || p.startsWith(`${t}/`));
            if (inTagged) seen++;
            return !inTagged;
          })
          .map(
            ([p]) =>
              `${m.type} ${m.id} writes the worker's name at ${p}, which carries no identity tag`,
          );
      });
      return seen + out.length === 0
        ? `the client sent the worker ${TASK_PERSON}'s name nowhere, so where it writes it could not be judged`
        : out;
    }),
  ),
];
