import { generateSigningKey, publicJwkOf, type PrivateJwk, type Types } from "@frx/spec";
import { check, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import type { Reply } from "../harness/http.js";
import { agencyToken } from "../harness/tokens.js";
import { ulid } from "../harness/ulid.js";
import { OperatorStepFailed } from "../run/operator-shell.js";
import type { OperatorStep, StepOutcome } from "../run/operator-steps.js";

/**
 * The operator steps as tests use them (run/operator-steps.ts), and the scratch agencies they
 * register: agencies of the suite's own, made for one test and disabled after it, so that the
 * kit's agencies keep their keys and the other tests never meet them.
 */

/** Runs an operator step; a run without --operator, or a step the operator does not offer, skips the test. */
export async function step(h: Harness, s: OperatorStep): Promise<StepOutcome> {
  if (!h.operator?.step)
    throw new SkipTest(
      `needs the operator step ${s.step}: run with --operator (docs/certification.md, "Operator steps")`,
    );
  try {
    return await h.operator.step(s);
  } catch (error) {
    if (error instanceof OperatorStepFailed) throw new SkipTest(error.message);
    throw error;
  }
}

/** Runs a step that must succeed; returns what it printed (list-dead-letters). */
export async function done(h: Harness, s: OperatorStep, what: string): Promise<unknown> {
  const r = await step(h, s);
  check(r.done, `the node refused ${what}: ${r.done ? "" : `${r.code} ${r.message}`}`);
  return r.output;
}

/** Runs a step the node must refuse with `code`. */
export async function refusedStep(
  h: Harness,
  s: OperatorStep,
  code: string,
  what: string,
): Promise<void> {
  const r = await step(h, s);
  check(!r.done, `the node accepted ${what}`);
  same(r.code, code, `the refusal of ${what} (${r.message.slice(0, 300)})`);
}

export interface Scratch {
  id: string;
  key: PrivateJwk;
}

/** A registration for a fresh scratch agency (a labour attaché, which no other test addresses). */
export function scratchRegistration(
  h: Harness,
  change: Record<string, unknown> = {},
): { scratch: Scratch; registration: Record<string, unknown> } {
  const key = generateSigningKey().privateJwk;
  const id = `${h.node.id}:CONF-OP-${ulid().slice(-12)}`;
  return {
    scratch: { id, key },
    registration: {
      id,
      name: "Conformance harness scratch agency",
      roles: ["labour_attache"],
      orgType: "CentralGovernmentOrganisation",
      immigrationFunctions: false,
      powers: [],
      publicJwk: publicJwkOf(key),
      ...change,
    },
  };
}

/** Registers a scratch agency, runs `fn` with it, and disables it after (whatever `fn` did). */
export async function withScratch<T>(
  h: Harness,
  change: Record<string, unknown>,
  fn: (s: Scratch) => Promise<T>,
): Promise<T> {
  const { scratch, registration } = scratchRegistration(h, change);
  await done(h, { step: "add-agency", registration }, `the registration of ${scratch.id}`);
  try {
    return await fn(scratch);
  } finally {
    await step(h, { step: "disable-agency", id: scratch.id }).catch(() => undefined);
  }
}

/** The node's directory entry for `id`, as published (undefined when it lists none). */
export async function entryOf(
  h: Harness,
  id: string,
): Promise<Types.Directory["participants"][number] | undefined> {
  const reply = await h.http.call("GET", "/v1/directory");
  check(reply.status === 200, `GET /v1/directory answered ${reply.status}`);
  return reply
    .json<{ directory: Types.Directory }>()
    .directory.participants.find((p) => p.id === id);
}

/** An agency token of a scratch agency, signed with `key` (its current one unless said). */
export function scratchToken(h: Harness, s: Scratch, key: PrivateJwk = s.key): Promise<string> {
  return agencyToken(key, { iss: s.id, aud: h.node.id });
}

/** Submits a JWS as the scratch agency, with a token signed by `tokenKey`. */
export async function submitAs(
  h: Harness,
  s: Scratch,
  jws: string,
  tokenKey: PrivateJwk = s.key,
): Promise<Reply> {
  return h.http.call("POST", "/v1/envelopes", {
    headers: {
      "content-type": "application/jose",
      authorization: `Bearer ${await scratchToken(h, s, tokenKey)}`,
    },
    body: jws,
  });
}

/** A case.notify from the scratch agency to the kit's labour inspectorate, opening its own case. */
export function notifyFrom(h: Harness, s: Scratch, sentAt: string): Record<string, unknown> {
  const base = h.envelope("case-notify-ok", {
    from: s.id,
    to: [{ participant: h.id("LI") }],
    case: `${s.id}:${ulid()}`,
    sentAt,
  });
  const body = base.body as Record<string, unknown>;
  return {
    ...base,
    body: { ...body, openingRole: "labour_attache", tracks: [{ track: "labour", lead: s.id }] },
  };
}
