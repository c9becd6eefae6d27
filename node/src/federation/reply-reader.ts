import {
  FrxError,
  findKey,
  importPublicKey,
  parseCompact,
  RECEIPT_TYP,
  REPLY_TYP,
  verifyNodeDocument,
  verifyReceipt,
  type ResolvedKey,
  type Types,
} from "@frx/spec";

/** What a verified reply means for one envelope of the transaction. */
export type Verdict =
  | { kind: "delivered"; status: "accepted" | "duplicate"; receipt: string }
  | { kind: "rejected"; code?: string; detail: string }
  | { kind: "kept"; why: string };

/** One envelope as it was sent. */
export interface Sent {
  messageId: string;
  digest: string;
}

/**
 * Reads a peer's answer to a transaction and returns the reply only when it is a valid one
 * (FRX-FED-041): a reply JWS signed by `peer` with a key the list gives it valid at `now`,
 * whose `node` is the peer and `txnId` the transaction's, with one result per envelope sent
 * whose digest is that envelope's. Anything else throws: the attempt failed.
 *
 * @example const { reply, jws } = readReply(res.text, { peer: "LA", txnId, sent, trust, now })
 */
export function readReply(
  text: string,
  o: { peer: string; txnId: string; sent: readonly Sent[]; trust: Types.TrustList; now: Date },
): { reply: Types.TransactionReply; jws: string } {
  const body = JSON.parse(text) as { reply?: unknown } | null;
  if (typeof body?.reply !== "string") throw new Error("the answer carries no reply");
  const jws = body.reply;
  const at = o.now.toISOString();
  const reply = verifyNodeDocument<Types.TransactionReply>(
    jws,
    REPLY_TYP,
    "documents/transaction-reply.json",
    o.trust,
    o.peer,
    () => at,
  );
  if (reply.node !== o.peer) throw new Error(`the reply names node ${reply.node}, not ${o.peer}`);
  if (reply.txnId !== o.txnId) throw new Error(`the reply answers ${reply.txnId}, not ${o.txnId}`);
  if (reply.results.length !== o.sent.length)
    throw new Error(`the reply has ${reply.results.length} results for ${o.sent.length} sent`);
  for (const [i, s] of o.sent.entries())
    if (reply.results[i]!.digest !== s.digest)
      throw new Error(`result ${i} is not for the envelope sent at that position`);
  return { reply, jws };
}

/**
 * Judges each result of a valid reply: `rejected` is final (FRX-FED-055); `accepted` or
 * `duplicate` delivers only with a receipt that verifies (FRX-FED-043), and otherwise keeps
 * the envelope queued (FRX-FED-045).
 *
 * @example const verdicts = await judgeResults(reply, sent, member)
 */
export async function judgeResults(
  reply: Types.TransactionReply,
  sent: readonly Sent[],
  member: Types.TrustListMember,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const [i, s] of sent.entries()) {
    const result = reply.results[i]!;
    if (result.status === "rejected") {
      verdicts.push({
        kind: "rejected",
        ...(result.code ? { code: result.code } : {}),
        detail: result.detail ?? "refused by the peer",
      });
    } else if (!result.receipt) {
      verdicts.push({ kind: "kept", why: `the ${result.status} result carries no receipt` });
    } else {
      try {
        await verifyPeerReceipt(result.receipt, s, member);
        verdicts.push({ kind: "delivered", status: result.status, receipt: result.receipt });
      } catch (error) {
        verdicts.push({ kind: "kept", why: `the receipt does not verify: ${String(error)}` });
      }
    }
  }
  return verdicts;
}

/**
 * Verifies a peer's receipt for an envelope it was sent (FRX-RCPT-007): its id, the digest of
 * the JWS sent, the peer as signer, with a signing key the list gives the peer valid at the
 * receipt's own `receivedAt`, retired keys included (FRX-TRUST-022).
 */
async function verifyPeerReceipt(
  receipt: string,
  sent: Sent,
  member: Types.TrustListMember,
): Promise<void> {
  const resolveKey = (kid: string): ResolvedKey | undefined => {
    const k = member.signingKeys.find((s) => s.jwk.kid === kid);
    if (!k) return undefined;
    return {
      key: importPublicKey(k.jwk),
      owner: member.node,
      ...(k.notAfter ? { retiredAt: k.notAfter } : {}),
    };
  };
  const verified = await verifyReceipt(
    receipt,
    { messageId: sent.messageId, digest: sent.digest, node: member.node },
    resolveKey,
  );
  const kid = parseCompact(receipt, RECEIPT_TYP).header.kid;
  if (!findKey([member], kid, verified.receivedAt))
    throw new FrxError(
      "jws.key-retired",
      `${member.node}'s key ${kid} was not valid at the receipt's receivedAt ${verified.receivedAt}`,
    );
}
