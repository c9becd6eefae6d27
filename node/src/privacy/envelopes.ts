import { decodeCompactPayload } from "./decode.js";
import type { DataKeyring } from "./data-keys.js";
import { isSealed, seal, unseal } from "./seal.js";

/**
 * Stored envelopes are sealed with the node's data key (FRX-DP-001) wherever they are kept
 * (the message record, the outbox, dead letters), bound to the message id. What leaves the
 * node is the sender's signed JWS, opened on the way out, so signatures and receipts verify
 * exactly as before.
 */
export const envelopeAad = (messageId: string): string => `envelope/${messageId}`;

export function sealEnvelope(ring: DataKeyring, messageId: string, jws: string): string {
  return seal(ring, jws, envelopeAad(messageId));
}

/** The signed JWS of a stored envelope; undefined when its content was erased (FRX-DP-006). */
export function openEnvelope(
  ring: DataKeyring,
  messageId: string,
  stored: string | undefined,
): string | undefined {
  if (stored === undefined || stored === "") return undefined;
  // Written before encryption at rest: readable, and sealed by `data-key reencrypt`.
  if (!isSealed(stored)) return stored;
  return unseal(ring, stored, envelopeAad(messageId));
}

/** The message of a stored envelope, decoded (signature already verified when it was stored). */
export function openMessage(
  ring: DataKeyring,
  messageId: string,
  stored: string | undefined,
): Record<string, unknown> | undefined {
  const jws = openEnvelope(ring, messageId, stored);
  return jws === undefined ? undefined : decodeCompactPayload(jws);
}
