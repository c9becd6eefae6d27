import { digestOf, signEnvelope } from "../../src/jws/envelope.js";
import { signReceipt } from "../../src/jws/receipt.js";
import type { Envelope, Vector } from "./envelope.js";
import { jwksOf, signerFor, type TestKeys } from "./keys.js";
import { plus } from "./sign.js";

/** Receipt vectors: a node's signed receipt, and what the sender expects it to echo. */
export function receiptVectors(keys: TestKeys, sent: Envelope): Record<string, Vector> {
  const jws = signEnvelope(sent, signerFor(keys, sent.from));
  const digest = digestOf(jws);
  const node = (sent.to[0] as { participant?: string }).participant?.slice(0, 2) ?? "LA";
  const receipt = {
    frx: "1" as const,
    receiptId: "01JNB6000000000000000000R1",
    messageId: sent.id,
    digest,
    receivedAt: plus(sent.sentAt, 2),
    node,
    status: "accepted" as const,
    deliveredTo: [(sent.to[0] as { participant: string }).participant],
  };
  const signed = signReceipt(receipt as never, signerFor(keys, node));
  const jwks = jwksOf(keys);
  const expectation = { messageId: sent.id, digest, node };
  const vector = (
    name: string,
    description: string,
    fields: Record<string, unknown>,
    expect: Vector["expect"],
  ): [string, Vector] => [
    `receipt/${name}.json`,
    {
      id: `receipt/${name}`,
      description,
      jwks,
      jws: signed,
      receipt: expectation,
      ...fields,
      expect,
    },
  ];
  return Object.fromEntries([
    vector(
      "receipt-ok",
      `Node ${node}'s receipt for the message, echoing its digest.`,
      {},
      { valid: true },
    ),
    vector(
      "receipt.digest-mismatch-fail",
      "The receipt echoes the digest of other bytes than those sent.",
      {
        jws: signReceipt(
          { ...receipt, digest: digestOf(jws + "x") } as never,
          signerFor(keys, node),
        ),
      },
      { valid: false, code: "receipt.digest-mismatch" },
    ),
    vector(
      "receipt.message-mismatch-fail",
      "The receipt names another message id.",
      {
        jws: signReceipt(
          { ...receipt, messageId: "01JNB6000000000000000000M9" } as never,
          signerFor(keys, node),
        ),
      },
      { valid: false, code: "receipt.message-mismatch" },
    ),
    vector(
      "receipt-signer-fail",
      "The receipt is signed by another node than the one the message was sent to.",
      { jws: signReceipt(receipt as never, signerFor(keys, node === "KH" ? "TH" : "KH")) },
      { valid: false, code: "envelope.signer-mismatch" },
    ),
    vector(
      "receipt-typ-fail",
      "An envelope presented as a receipt: its typ is frx-envelope+jws.",
      { jws },
      { valid: false, code: "jws.typ-invalid" },
    ),
  ]);
}
