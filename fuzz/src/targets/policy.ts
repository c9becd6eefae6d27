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

const PERSON_LEVEL = new Set((policyRules as { personLevelTags: string[] }).personLevelTags);
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
  consent: Json | null;
  consentWithdrawn: boolean;
}

/**
 * The policy check over generated directories (any mix of roles, organisation types and
 * immigration functions), purposes, tiers and consents, on schema-valid messages. Oracles: the
 * check returns violations instead of throwing; each is a policy code with a JSON pointer; the
 * verdict is deterministic; and when nothing is violated, no person-level field reaches a
 * recipient with immigration functions.
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
      consent: fc.option(
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
        }) as fc.Arbitrary<Json>,
      ),
      consentWithdrawn: fc.boolean(),
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
        ...(input.consent ? { consent: input.consent as never } : {}),
        consentWithdrawn: input.consentWithdrawn,
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
      const personLevel = sensitiveFields(message).filter((f) =>
        f.tags.some((t) => PERSON_LEVEL.has(t)),
      );
      for (const r of context.recipients)
        if (hasImmigrationFunctions(r) && personLevel.length > 0)
          fail(
            `${personLevel[0]!.pointer} passed to a recipient with immigration functions (${r.orgType}, ${r.roles.join("+")})`,
          );
    },
    close: () => Promise.resolve(),
  });
}

/** The message addressed to one `to` entry per generated recipient. */
function withRecipients(input: Input): Json {
  const m = input.message as Record<string, Json>;
  return { ...m, to: input.recipients.map((_, i) => ({ participant: `XX:R${i}` })) };
}
