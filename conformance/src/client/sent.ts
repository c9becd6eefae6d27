// What a scenario's client sent and was given, read for the task checks (checks-tasks.ts).
import { canonicalize, MessageType, type AnyMessage } from "@frx/spec";
import type { ScenarioRun } from "./scenarios.js";
import type { ClientTask } from "./tasks.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Each message that verified at the stand-in node, once (the first submission of its id). */
export function sent(run: ScenarioRun): AnyMessage[] {
  const seen = new Map<string, AnyMessage>();
  for (const s of run.ledger.submissions)
    if (s.message && !seen.has(s.message.id)) seen.set(s.message.id, s.message);
  return [...seen.values()];
}

export const recipients = (m: AnyMessage): string[] =>
  m.to.map((a) => ("participant" in a ? String(a.participant) : `mandate ${canonicalize(a)}`));

/** Every `personRef` and `suspectRef` value anywhere in a body. */
export function pseudonyms(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) pseudonyms(v, out);
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) {
      if ((k === "personRef" || k === "suspectRef") && typeof v === "string") out.add(v);
      else pseudonyms(v, out);
    }
  return out;
}

/** The `personRef` a referral.create gives the person of that full name, if it names them. */
export function refOf(m: AnyMessage, fullName: string): string | undefined {
  if (m.type !== MessageType.ReferralCreate) return undefined;
  const persons = (m.body as { persons?: Array<{ personRef?: string; identified?: unknown }> })
    .persons;
  return persons?.find(
    (p) => (p.identified as { fullName?: string } | undefined)?.fullName === fullName,
  )?.personRef;
}

/** The pseudonyms the planted inbox items carry, each with the agency that minted it. */
export function plantedRefs(run: ScenarioRun): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of run.items) {
    const payload = JSON.parse(
      Buffer.from(item.jws.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as { body?: unknown };
    for (const ref of pseudonyms(payload.body)) out.set(ref, item.record.referrer);
  }
  return out;
}

/** The JSON pointer of every string in a value, with the string. */
export function strings(value: unknown, prefix = ""): Array<[string, string]> {
  if (typeof value === "string") return [[prefix, value]];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    strings(v, `${prefix}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`),
  );
}

export function taskOf<K extends ClientTask["task"]>(
  run: ScenarioRun,
  kind: K,
): Extract<ClientTask, { task: K }> | undefined {
  return run.tasks.find((t): t is Extract<ClientTask, { task: K }> => t.task === kind);
}

export function ulidTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}
