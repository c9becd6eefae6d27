import * as fc from "fast-check";
import { isMessageType, MessageType, sensitiveFields, validateMessage } from "@frx/spec";
import { mutateJson } from "../mutate.js";
import { arbitraryFor } from "../schema-arb.js";
import type { Json } from "../seeds.js";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface Input {
  type: string;
  message: Json;
}

const TYPES = Object.values(MessageType);

/** Messages generated from each type's schema, some then mutated. */
export function messageArbitrary(mutate: boolean): fc.Arbitrary<Input> {
  return fc.constantFrom(...TYPES).chain((type) => {
    const generated = arbitraryFor(
      `https://spec.frx.example/v1/schemas/messages/${type}.json`,
    ) as fc.Arbitrary<Json>;
    return fc.record({
      type: fc.constant(type),
      message: mutate
        ? fc.oneof(
            generated,
            generated.chain((m) => mutateJson(m)),
          )
        : generated,
    });
  });
}

/**
 * Schema validation of every message type, on messages generated from the schemas themselves
 * (structure-aware) and then mutated. Oracles: a refusal is `schema.invalid` (with at least one
 * violation, each a JSON pointer with a spec code) or `schema.unknown-type`; the verdict is the
 * same on a second run and after a JSON round trip; an accepted message has a known type and
 * its sensitive fields can be located.
 */
export function schemasTarget(): Promise<FuzzTarget<Input>> {
  return Promise.resolve({
    name: "schemas",
    surface: "JSON Schema validation of all message types",
    arbitrary: messageArbitrary(true),
    async check({ message }) {
      const first = await acceptedOrRefused(
        () => validateMessage(message),
        ["schema.invalid", "schema.unknown-type"],
      );
      const again = await acceptedOrRefused(() =>
        validateMessage(JSON.parse(JSON.stringify(message))),
      );
      if (first.ok !== again.ok || (!first.ok && !again.ok && first.code !== again.code))
        fail("the verdict changed on a second run after a JSON round trip");
      if (!first.ok) {
        const violations = first.error.violations;
        if (violations.length === 0) fail(`${first.code} without a violation`);
        for (const v of violations)
          if (typeof v.pointer !== "string" || (v.pointer !== "" && !v.pointer.startsWith("/")))
            fail(`violation pointer ${String(v.pointer)}`);
        return;
      }
      if (!isMessageType(first.value.type)) fail(`accepted type ${String(first.value.type)}`);
      sensitiveFields(first.value);
    },
    close: () => Promise.resolve(),
  });
}
