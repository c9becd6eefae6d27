import { randomBytes } from "node:crypto";
import { canonicalize, createSigner, signEnvelope, type PrivateJwk } from "@frx/spec";
import type { Envelope } from "../harness/fixtures.js";

/** The size every node must accept (FRX-ENV-019). */
export const ENVELOPE_LIMIT = 262_144;

const ref = () => randomBytes(32).toString("hex");
const person = () => ({
  personRef: `pp_${randomBytes(18).toString("base64url")}`,
  citizenship: ["LA", "KH", "MM"],
  ageBand: "18-20",
  majorityStatus: "adult",
  gender: "Masculine",
  migrantType: "LabourMigrant",
  traffickingStatus: "PossibleVictimOfTrafficking",
  supportNeeds: ["Shelter", "Health", "Interpretation", "Legal"],
});

/**
 * A schema-valid case.notify (tier T1) whose JWS compact serialization is as close to
 * `bytes` as base64url allows without passing it: ILO indicator observations with evidence
 * references (at most 50 × 50), then pseudonymous persons (at most 100), then the summary
 * pads the last bytes.
 */
export function envelopeOfSize(base: Envelope, key: PrivateJwk, bytes: number): string {
  const signer = createSigner(key);
  const header = Buffer.from(
    JSON.stringify({ alg: "Ed25519", kid: signer.kid, typ: "frx-envelope+jws" }),
  ).toString("base64url").length;
  // header.payload.signature, and an Ed25519 signature is 86 base64url characters.
  const target = Math.floor(((bytes - header - 2 - 86) * 3) / 4);
  const indicators = Array.from({ length: 50 }, () => ({
    code: "WITHHOLDING_OF_WAGES",
    observedBy: base.from,
    observedAt: "2026-01-05T08:00:00Z",
    confidence: "high",
    evidenceRefs: Array.from({ length: 50 }, ref),
  }));
  const size = (e: object) => Buffer.byteLength(canonicalize(e));
  const make = (refs: number, persons: number, summary: string) => ({
    ...base,
    body: {
      ...base.body,
      indicators: indicators
        .map((i, n) => ({
          ...i,
          evidenceRefs: i.evidenceRefs.slice(0, Math.max(0, Math.min(50, refs - n * 50))),
        }))
        .filter((i) => i.evidenceRefs.length > 0),
      persons: Array.from({ length: persons }, person),
      summary,
    },
  });
  let refs = 2500;
  const bare = size(make(refs, 0, ""));
  const each = size(make(refs, 1, "")) - bare;
  const persons = Math.min(100, Math.max(0, Math.ceil((target - 2000 - bare) / each)));
  while (refs > 1 && size(make(refs, persons, "")) > target) refs -= 1;
  const env = make(refs, persons, "");
  const pad = target - size(env);
  if (pad < 0 || pad > 2000)
    throw new TypeError(`cannot build an envelope of ${bytes} bytes (${pad})`);
  return signEnvelope({ ...env, body: { ...env.body, summary: "x".repeat(pad) } }, signer);
}
