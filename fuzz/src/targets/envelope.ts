import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import * as fc from "fast-check";
import {
  canonicalize,
  DEFAULT_SKEW_SECONDS,
  instantMs,
  signEnvelope,
  verifyEnvelope,
} from "@frx/spec";
import { mutateJson, mutateString } from "../mutate.js";
import {
  FIXTURE_NOW,
  messageSeeds,
  resolveTestKey,
  signerOf,
  testKeys,
  type Json,
} from "../seeds.js";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

type Input =
  | { kind: "signed"; seed: number; envelope: Json; signAs: string }
  | { kind: "bytes"; seed: number; jws: string };

/**
 * Envelope verification (signature, canonical payload, sender, schema, time) on envelopes that
 * are mutated and then signed by a registered key, and on genuine JWS strings mutated byte by
 * byte. Oracles: the unmutated seed verifies; a refusal carries a spec code; an accepted
 * envelope is exactly what was signed, by its `from`, not sent ahead of the clock beyond the skew and not expired; no edited byte
 * string of a genuine envelope verifies.
 */
export function envelopeTarget(): Promise<FuzzTarget<Input>> {
  const seeds = messageSeeds();
  const genuine = seeds.map((m) => signEnvelope(m, signerOf(m.from)));
  const ids = testKeys.participants.map((p) => p.id);
  const arbitrary: fc.Arbitrary<Input> = fc.oneof(
    fc.nat({ max: seeds.length - 1 }).chain((seed) =>
      fc.record({
        kind: fc.constant("signed" as const),
        seed: fc.constant(seed),
        envelope: mutateJson(seeds[seed]!),
        signAs: fc.oneof(fc.constant(seeds[seed]!.from), fc.constantFrom(...ids)),
      }),
    ),
    fc.nat({ max: seeds.length - 1 }).chain((seed) =>
      fc.record({
        kind: fc.constant("bytes" as const),
        seed: fc.constant(seed),
        jws: mutateString(genuine[seed]!),
      }),
    ),
  );
  const skewMs = DEFAULT_SKEW_SECONDS * 1000;
  return Promise.resolve({
    name: "envelope",
    surface: "signed envelopes (POST /v1/envelopes and every envelope inside a transaction)",
    arbitrary,
    async check(input) {
      let jws: string;
      let signed: Json | undefined;
      if (input.kind === "bytes") jws = input.jws;
      else {
        let text: string;
        try {
          text = canonicalize(input.envelope);
        } catch {
          return; // not encodable as canonical JSON: no sender can sign it
        }
        signed = JSON.parse(text) as Json;
        jws = signEnvelope(input.envelope as object, signerOf(input.signAs));
      }
      const r = await acceptedOrRefused(() =>
        verifyEnvelope(jws, { resolveKey: resolveTestKey, now: FIXTURE_NOW }),
      );
      const unmutated =
        input.kind === "signed" &&
        isDeepStrictEqual(signed, seeds[input.seed]) &&
        input.signAs === seeds[input.seed]!.from;
      if (!r.ok) {
        if (unmutated) fail(`a genuine ${seeds[input.seed]!.type} was refused: ${r.code}`);
        return;
      }
      const { message, digest } = r.value;
      if (input.kind === "bytes" && jws !== genuine[input.seed])
        fail("an edited byte string of a genuine envelope verified");
      if (signed !== undefined && !isDeepStrictEqual(message, signed))
        fail("the verified message differs from what was signed");
      if (input.kind === "signed" && message.from !== input.signAs)
        fail(`${input.signAs}'s signature accepted for from ${message.from}`);
      if (digest !== createHash("sha256").update(jws, "ascii").digest("hex")) fail("wrong digest");
      const sent = instantMs(message.sentAt);
      if (sent === undefined || sent > FIXTURE_NOW.getTime() + skewMs)
        fail(`accepted sentAt ${message.sentAt}`);
      const expires = (message as { expiresAt?: string }).expiresAt;
      if (expires !== undefined) {
        const at = instantMs(expires);
        if (at === undefined || at < FIXTURE_NOW.getTime() - skewMs)
          fail(`accepted expiresAt ${expires}`);
      }
    },
    close: () => Promise.resolve(),
  });
}
