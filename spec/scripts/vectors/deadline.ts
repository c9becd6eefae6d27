import { signEnvelope } from "../../src/jws/envelope.js";
import type { Envelope, Fixture, Vector } from "./envelope.js";
import { jwksOf, signerFor, type TestKeys } from "./keys.js";
import { plus } from "./sign.js";

/**
 * Deadline notices name their thread one way (FRX-DL-011): a referral deadline by the
 * envelope's `referral`, the investigation `respond` deadline by `body.investigationId` and no
 * `referral`. One valid respond reminder and the two ways to get it wrong.
 */
export function deadlineVectors(keys: TestKeys, fixture: Fixture): Record<string, Vector> {
  const jwks = jwksOf(keys);
  const reminder = fixture("deadline.reminder");
  const investigationId = fixture("investigation.propose").body.investigationId as string;
  const { referral: _referral, ...withoutReferral } = reminder;
  const respond: Envelope = {
    ...withoutReferral,
    body: { deadline: "respond", dueAt: reminder.body.dueAt, investigationId },
  } as Envelope;
  const vector = (
    name: string,
    description: string,
    envelope: Envelope,
    expect: Vector["expect"],
  ): [string, Vector] => [
    `envelope/${name}.json`,
    {
      id: `envelope/${name}`,
      description,
      jwks,
      jws: signEnvelope(envelope, signerFor(keys, envelope.from)),
      now: plus(envelope.sentAt, 60),
      expect,
    },
  ];
  return Object.fromEntries([
    vector(
      "deadline.reminder-respond-ok",
      "A reminder of an investigation invitee's respond deadline: the investigation in body.investigationId, no referral (FRX-DL-011).",
      respond,
      { valid: true },
    ),
    vector(
      "deadline-respond-with-referral-fail",
      "A respond reminder that also names a referral: a notice names one thread (FRX-DL-011).",
      { ...respond, referral: reminder.referral } as Envelope,
      { valid: false, code: "schema.invalid" },
    ),
    vector(
      "deadline-acknowledge-without-referral-fail",
      "An acknowledge reminder that names no referral, only an investigation: referral deadlines name the referral (FRX-DL-011).",
      { ...withoutReferral, body: { ...reminder.body, investigationId } } as Envelope,
      { valid: false, code: "schema.invalid" },
    ),
  ]);
}
