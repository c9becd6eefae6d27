import { check, eventsOf, type ClientCheck } from "./check.js";
import { RETRY_AFTER_SECONDS, type Submission } from "./ledger.js";
import type { ScenarioRun } from "./scenarios.js";
import { TASK_CHECKS } from "./checks-tasks.js";

export type { ClientCheck };

/** The submission the scenario's fault was played on, or why there is none. */
function faulted(run: ScenarioRun): Submission | string {
  return (
    run.ledger.faulted() ??
    `scenario ${run.scenario.name}: the client submitted no envelope that verified, so nothing could be judged (it must answer the referral in its inbox)`
  );
}

/** Runs `judge` on the faulted submission of each named scenario. */
function onFault(
  names: string[],
  judge: (run: ScenarioRun, first: Submission) => string[],
): (runs: readonly ScenarioRun[]) => string[] {
  return (runs) =>
    runs
      .filter((r) => names.includes(r.scenario.name))
      .flatMap((run) => {
        const first = faulted(run);
        return typeof first === "string"
          ? [first]
          : judge(run, first).map((m) => `scenario ${run.scenario.name}: ${m}`);
      });
}

/** A receipt that does not verify is no receipt: the envelope is not stored. */
const refusesReceipt = (run: ScenarioRun, first: Submission): string[] => {
  const said = eventsOf(run, first.messageId!);
  const out: string[] = [];
  if (said.some((e) => e.event === "stored"))
    out.push(`the client reported ${first.messageId} stored on a receipt that does not verify`);
  if (!said.some((e) => e.event === "not-stored" && e.code === "client.receipt-invalid"))
    out.push(
      `the client did not report ${first.messageId} not-stored with code client.receipt-invalid`,
    );
  return out;
};

/** A check over every scenario fails, rather than passing on nothing, when nothing was seen. */
function unlessNothing(
  seen: (run: ScenarioRun) => number,
  what: string,
  judge: (runs: readonly ScenarioRun[]) => string[],
): (runs: readonly ScenarioRun[]) => string[] {
  return (runs) =>
    runs.some((r) => seen(r) > 0)
      ? judge(runs)
      : [`the client made no ${what} in any scenario, so nothing could be judged`];
}

/** The resubmission after an answer with Retry-After came no sooner than it asked. */
const waitsForRetryAfter = (run: ScenarioRun, first: Submission): string[] => {
  const next = run.ledger.submissions.find(
    (s) => s !== first && s.at >= first.at && s.jws === first.jws,
  );
  if (!next) return [`the client never submitted ${first.messageId} again`];
  const waited = next.at - first.answeredAt;
  return waited < RETRY_AFTER_SECONDS * 1000
    ? [
        `the client submitted again ${waited} ms after a ${first.status} with Retry-After: ${RETRY_AFTER_SECONDS}`,
      ]
    : [];
};

const tokensSeen = (r: ScenarioRun) => r.ledger.tokens.length;
const submissionsSeen = (r: ScenarioRun) => r.ledger.submissions.length;

export const CLIENT_CHECKS: readonly ClientCheck[] = [
  check("FRX-API-015", ["inbox"], (runs) =>
    runs.flatMap((run) =>
      run.items.flatMap((item) => {
        const said = eventsOf(run, item.messageId).map((e) => e.event);
        const acted = run.ledger.submissions.some((s) => s.referral === item.record.referral);
        if (item.expect === "received")
          return said.includes("received") && !said.includes("rejected")
            ? []
            : [`${item.label}: verifies, but the client reported ${said.join(", ") || "nothing"}`];
        const out: string[] = [];
        if (said.includes("received") || !said.includes("rejected"))
          out.push(
            `${item.label}: does not verify, but the client reported ${said.join(", ") || "nothing"}`,
          );
        if (acted)
          out.push(`${item.label}: does not verify, but the client sent a message in its referral`);
        return out;
      }),
    ),
  ),
  check("FRX-API-009", ["receipt-stranger"], onFault(["receipt-stranger"], refusesReceipt), [
    "FRX-RCPT-007",
    "FRX-RCPT-008",
  ]),
  check("FRX-API-009/digest", ["receipt-digest"], onFault(["receipt-digest"], refusesReceipt), [
    "FRX-RCPT-010",
  ]),
  check(
    "FRX-API-010",
    ["lost-reply", "rate-limited", "not-ready"],
    onFault(["lost-reply", "rate-limited", "not-ready"], (run, first) => {
      const again = run.ledger.submissions.filter(
        (s) =>
          s !== first &&
          s.at >= first.at &&
          (s.messageId === first.messageId || s.jws === first.jws),
      );
      if (again.length === 0)
        return [
          `the client did not submit ${first.messageId} again after ${first.dropped ? "losing the answer" : `HTTP ${first.status}`}`,
        ];
      return again.some((s) => s.jws !== first.jws)
        ? [`the client resubmitted ${first.messageId} with other bytes, not the identical JWS`]
        : [];
    }),
    ["FRX-RCPT-011"],
  ),
  check("FRX-API-029", ["rate-limited"], onFault(["rate-limited"], waitsForRetryAfter)),
  check("FRX-API-029/not-ready", ["not-ready"], onFault(["not-ready"], waitsForRetryAfter)),
  check(
    "FRX-API-030",
    ["lost-reply"],
    onFault(["lost-reply"], (run, first) => {
      const dup = run.ledger.submissions.find(
        (s) => s !== first && s.messageId === first.messageId && s.status === 200,
      );
      if (!dup)
        return [
          `the client never got a duplicate answer for ${first.messageId} (it did not resend it)`,
        ];
      const stored = eventsOf(run, first.messageId!).find((e) => e.event === "stored");
      if (!stored)
        return [
          `the client did not report ${first.messageId} stored after a duplicate reply with a valid receipt`,
        ];
      return stored.event === "stored" && stored.receipt !== dup.receipt
        ? [`the client reported ${first.messageId} stored with a receipt that is not the node's`]
        : [];
    }),
  ),
  check(
    "FRX-API-004",
    ["conflict"],
    onFault(["conflict"], (run, first) => {
      const said = eventsOf(run, first.messageId!);
      const out: string[] = [];
      if (said.some((e) => e.event === "stored"))
        out.push(`the client reported ${first.messageId} stored after a refusal`);
      if (!said.some((e) => e.event === "not-stored" && e.code === "idempotency.conflict"))
        out.push(
          `the client did not report ${first.messageId} not-stored with the refusal's code idempotency.conflict`,
        );
      return out;
    }),
  ),
  check(
    "FRX-API-031",
    ["conflict"],
    onFault(["conflict"], (run, first) => {
      const again = run.ledger.submissions.filter((s) => s !== first && s.jws === first.jws).length;
      return again > 0 ? [`the client submitted the refused JWS ${again} more time(s)`] : [];
    }),
  ),
  check(
    "FRX-API-008",
    [],
    unlessNothing(tokensSeen, "call with a token", (runs) =>
      runs.flatMap((run) =>
        run.ledger.tokens
          .filter((t) => t.replayed)
          .map((t) => `scenario ${run.scenario.name}: ${t.route} reused jti ${t.verdict.jti}`),
      ),
    ),
  ),
  check(
    "FRX-API-028",
    [],
    unlessNothing(tokensSeen, "call with a token", (runs) =>
      runs.flatMap((run) =>
        run.ledger.tokens
          .filter((t) => t.verdict.problems.length > 0)
          .map(
            (t) => `scenario ${run.scenario.name}: ${t.route}: ${t.verdict.problems.join("; ")}`,
          ),
      ),
    ),
  ),
  check(
    "FRX-JCS-001/client",
    [],
    unlessNothing(submissionsSeen, "submission", (runs) =>
      runs.flatMap((run) =>
        run.ledger.submissions
          .filter((s) => s.invalid)
          .map(
            (s) =>
              `scenario ${run.scenario.name}: a submission was refused before it could be stored: ${s.invalid}`,
          ),
      ),
    ),
    ["FRX-SIG-001", "FRX-SIG-002", "FRX-SIG-003"],
  ),
  check(
    "FRX-ENV-004/client",
    [],
    unlessNothing(submissionsSeen, "submission", (runs) =>
      runs.flatMap((run) => {
        const byId = new Map<string, Set<string>>();
        for (const s of run.ledger.submissions)
          if (s.messageId) byId.set(s.messageId, (byId.get(s.messageId) ?? new Set()).add(s.jws));
        return [...byId]
          .filter(([, set]) => set.size > 1)
          .map(
            ([id]) =>
              `scenario ${run.scenario.name}: id ${id} was used for ${byId.get(id)!.size} different JWS`,
          );
      }),
    ),
  ),
  ...TASK_CHECKS,
];
