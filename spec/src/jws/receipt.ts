import { canonicalize } from "../codec/canonical-json.js";
import { FrxError } from "../errors.js";
import type { Receipt } from "../generated/types.js";
import { validateDocument } from "../validate/validator.js";
import { assertSignature, parseCompact, signCompact } from "./compact.js";
import { parseCanonicalObject, type KeyResolver } from "./envelope.js";
import type { Signer } from "./keys.js";
import { parseInstant } from "../time/instant.js";

export const RECEIPT_TYP = "frx-receipt+jws";
const encoder = new TextEncoder();

/**
 * Signs a receipt: the node's statement that it stored the message whose JWS hashes to
 * `receipt.digest`. Validated against documents/receipt.json before signing.
 *
 * @example signReceipt({ frx: "1", receiptId, messageId, digest, receivedAt, node: "TH", status: "accepted", deliveredTo }, nodeSigner)
 */
export function signReceipt(receipt: Receipt, signer: Signer): string {
  validateDocument<Receipt>("documents/receipt.json", receipt);
  return signCompact(encoder.encode(canonicalize(receipt)), RECEIPT_TYP, signer);
}

export interface ReceiptExpectation {
  messageId: string;
  /** Digest of the JWS the caller sent (see digestOf). */
  digest: string;
  /** The node that must have signed it. */
  node: string;
}

/**
 * Verifies a node-signed receipt and that it echoes what was sent: the right message id
 * (`receipt.message-mismatch`) and the digest of the sent bytes (`receipt.digest-mismatch`).
 *
 * @example const receipt = await verifyReceipt(reply.receipt, { messageId, digest: digestOf(jws), node: "TH" }, resolveNodeKey)
 */
export async function verifyReceipt(
  jws: string,
  expected: ReceiptExpectation,
  resolveKey: KeyResolver,
): Promise<Receipt> {
  const parsed = parseCompact(jws, RECEIPT_TYP);
  const body = parseCanonicalObject(parsed.payload);
  const resolved = await resolveKey(parsed.header.kid);
  if (!resolved) throw new FrxError("jws.kid-unknown", `no node key ${parsed.header.kid} is known`);
  assertSignature(parsed, resolved.key);
  const receipt = validateDocument<Receipt>("documents/receipt.json", body);
  if (resolved.owner !== expected.node || receipt.node !== expected.node) {
    throw new FrxError(
      "envelope.signer-mismatch",
      `receipt signed by ${resolved.owner} for ${receipt.node}, expected ${expected.node}`,
    );
  }
  if (
    resolved.retiredAt !== undefined &&
    parseInstant(receipt.receivedAt, "/receivedAt") > parseInstant(resolved.retiredAt)
  ) {
    throw new FrxError(
      "jws.key-retired",
      `node key ${parsed.header.kid} was retired at ${resolved.retiredAt}`,
    );
  }
  if (receipt.messageId !== expected.messageId) {
    throw new FrxError(
      "receipt.message-mismatch",
      `receipt is for ${receipt.messageId}, not ${expected.messageId}`,
    );
  }
  if (receipt.digest !== expected.digest) {
    throw new FrxError(
      "receipt.digest-mismatch",
      "receipt does not echo the digest of what was sent",
    );
  }
  return receipt;
}
