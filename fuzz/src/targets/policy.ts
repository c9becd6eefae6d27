import { isDeepStrictEqual } from "node:util";
import * as fc from "fast-check";
import {
  checkPolicy,
  hasImmigrationFunctions,
  orgTypeValues,
  policyRules,
  purposeValues,
  roleValues,
  sensitiveFields,
  tierValues,
  validateMessage,
  type PolicyContext,
  type PolicyInput,
  type PolicyParticipant,
} from "@frx/spec";
import { mutateJson } from "../mutate.js";
import { messageSeeds, type Json } from "../seeds.js";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

const RULES = policyRules as {
  personLevelTags: string[];
  evidence: { items: Record<string, string>; personLevelKinds: string[] };
};
const PERSON_LEVEL = new Set(RULES.personLevelTags);
const NODES = ["TH", "LA", "KH"] as const;

const participant = (id: string): fc.Arbitrary<PolicyParticipant> =>
  fc.record({
    id: fc.constant(id),
    node: fc.constantFrom(...NODES),
    roles: fc.uniqueArray(fc.constantFrom(...roleValues), { minLength: 1, maxLength: 3 }),
    orgType: fc.constantFrom(...orgTypeValues),
    immigrationFunctions: fc.boolean(),
  });

interface Input {
  message: Json;
  sender: PolicyParticipant;
  recipients: PolicyParticipant[];
  /** Consents on record, given in turn to the persons the message names (null: none). */
  consents: Array<Json | null>;
}

/**
 * The policy check over generated directories (any mix of roles, organisation types and
 * immigration functions), purposes, tiers and per-person consents, on schema-valid messages. Oracles: the
 * check returns violations instead of throwing; each is a policy code with a JSON pointer; the
 * verdict is deterministic; and when nothing is violated, no person-level field and no evidence item of a
 * person-level kind reaches a recipient with immigration functions.
 */
export function policyTarget(): Promise<FuzzTarget<Input>> {
  const seeds = messageSeeds().filter((m) => sensitiveFields(m as never).length > 0);
  const arbitrary = fc.constantFrom(...seeds).chain((seed) =>
    fc.record({
      message: fc
        .record({
          purpose: fc.constantFrom(...purposeValues, seed.purpose as string),
          tier: fc.constantFrom(...tierValues, seed.tier as string),
          body: mutateJson(seed.body as Json),
        })
        .map(({ purpose, tier, body }) => ({ ...seed, purpose, tier, body }) as Json),
      sender: participant(seed.from),
      recipients: fc.array(participant("XX:R"), { minLength: 1, maxLength: 3 }),
      consents: fc.array(
        fc.option(
          fc.record({
            flags: fc.record({
              services: fc.boolean(),
              disclosure: fc.boolean(),
              reporting: fc.boolean(),
              tracing: fc.boolean(),
            }),
            audiences: fc.subarray([
              "family",
              "domestic_authorities",
              "foreign_authorities",
              "service_providers",
            ]),
            withdrawn: fc.option(fc.constant({ at: "2026-03-01T00:00:00Z" }), { nil: undefined }),
          }) as fc.Arbitrary<Json>,
        ),
        { maxLength: 4 },
      ),
    }),
  );
  return Promise.resolve({
    name: "policy",
    surface: "the policy check (firewall, tiers, consent, channels)",
    arbitrary,
    async check(input) {
      const valid = await acceptedOrRefused(() => validateMessage(withRecipients(input)));
      if (!valid.ok) return; // the pipeline refuses it at the schema, before the policy
      const message = valid.value as unknown as PolicyInput;
      const context: PolicyContext = {
        sender: input.sender,
        recipients: input.recipients.map((r, i) => ({ ...r, id: `XX:R${i}`, toIndex: i })),
        consents: consentsOf(valid.value, input.consents),
      };
      const run = await acceptedOrRefused(() => checkPolicy(message, context));
      if (!run.ok) fail(`the policy check threw ${run.code} instead of returning violations`);
      const violations = run.value;
      if (!isDeepStrictEqual(violations, checkPolicy(message, context)))
        fail("verdict not deterministic");
      for (const v of violations) {
        if (!v.code.startsWith("policy.")) fail(`violation code ${v.code}`);
        if (typeof v.pointer !== "string") fail("violation without a pointer");
      }
      if (violations.length > 0) return;
      const personLevel: Array<{ pointer: string }> = sensitiveFields(message).filter((f) =>
        f.tags.some((t) => PERSON_LEVEL.has(t)),
      );
      personLevel.push(...personLevelItems(message));
      for (const r of context.recipients)
        if (hasImmigrationFunctions(r) && personLevel.length > 0)
          fail(
            `${personLevel[0]!.pointer} passed to a recipient with immigration functions (${r.orgType}, ${r.roles.join("+")})`,
          );
    },
    close: () => Promise.resolve(),
  });
}

/** The consents on record, one generated view per person (`personRef`) the message names. */
function consentsOf(message: unknown, views: Array<Json | null>): Record<string, never> {
  const refs = new Set<string>();
  const stack = [message];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    for (const [k, x] of Object.entries(v)) {
      if (k === "personRef" && typeof x === "string") refs.add(x);
      else stack.push(x);
    }
  }
  const out: Record<string, never> = {};
  for (const [i, ref] of [...refs].entries()) if (views[i]) out[ref] = views[i] as never;
  return out;
}

/**
 * Evidence items of a person-level kind, read from rules.json directly (not through the
 * policy's own helper), as fields the firewall must stop.
 */
function personLevelItems(message: PolicyInput): Array<{ pointer: string }> {
  const at = RULES.evidence.items[message.type];
  if (!at) return [];
  const items = message.body[at.split("/").pop()!];
  return (Array.isArray(items) ? items : [])
    .map((item, i) => ({ item: item as { kind?: unknown }, pointer: `${at}/${i}` }))
    .filter(
      ({ item }) =>
        typeof item?.kind === "string" && RULES.evidence.personLevelKinds.includes(item.kind),
    )
    .map(({ pointer }) => ({ pointer }));
}

/** The message addressed to one `to` entry per generated recipient. */
function withRecipients(input: Input): Json {
  const m = input.message as Record<string, Json>;
  return { ...m, to: input.recipients.map((_, i) => ({ participant: `XX:R${i}` })) };
}
