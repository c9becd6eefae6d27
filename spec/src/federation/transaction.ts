import { createPrivateKey } from "node:crypto";
import { canonicalize } from "../codec/canonical-json.js";
import { FrxError } from "../errors.js";
import type { JwsType } from "../generated/codes.js";
import type { Transaction, TransactionReply, TrustList } from "../generated/types.js";
import {
  assertSignature,
  isCanonicalBase64url,
  parseCompact,
  signCompact,
} from "../jws/compact.js";
import { parseCanonicalObject } from "../jws/envelope.js";
import type { Signer } from "../jws/keys.js";
import { validateDocument } from "../validate/validator.js";
import { decryptEcdhEs, encryptEcdhEs } from "./jwe.js";
import { findKey, memberOfKid, type VerifiedTrustList } from "./trust-list.js";
import { readTransactionHeader, TRANSACTION_JWE_TYP } from "./transaction-header.js";

export { TRANSACTION_JWE_TYP };
import { parseInstant } from "../time/instant.js";

export const TRANSACTION_TYP = "frx-transaction+jws";
export const REPLY_TYP = "frx-transaction-reply+jws";
export const WAKE_TYP = "frx-wake+jws";

/** The largest window: transactions an origin may have in flight to one peer (FRX-FED-047). */
export const MAX_WINDOW = 8;
/** The window when the operator sets none (FRX-FED-047). */
export const DEFAULT_WINDOW = 4;
/** Bodies a destination holds per claimed origin: a first attempt and a retry per place (FRX-FED-067). */
export const BODIES_PER_ORIGIN = 2 * MAX_WINDOW;

const encoder = new TextEncoder();

export interface X25519Jwk {
  kty: "OKP";
  crv: "X25519";
  x: string;
  d?: string;
}

/** Signs a transaction with the sending node's key, then encrypts it to the receiving node (JWE compact). */
// Async (though nothing is awaited) so that a transaction the schema refuses rejects rather than throws.
// eslint-disable-next-line @typescript-eslint/require-await
export async function sealTransaction(
  txn: Transaction,
  signer: Signer,
  recipient: X25519Jwk,
): Promise<string> {
  validateDocument<Transaction>("documents/transaction.json", txn);
  const jws = signCompact(encoder.encode(canonicalize(txn)), TRANSACTION_TYP, signer);
  return encryptEcdhEs(
    encoder.encode(jws),
    { typ: TRANSACTION_JWE_TYP, cty: "JWT", iss: txn.origin },
    recipient.x,
  );
}

export interface OpenOptions {
  trust: VerifiedTrustList;
  /** This node's X25519 private key. */
  decryptionKey: X25519Jwk;
  /** This node's id: the transaction must be addressed to it. */
  self: string;
  /** The txnId in the request path. */
  txnId: string;
  now: Date;
  skewSeconds: number;
}

/**
 * Decrypts and verifies an inbound transaction, each failure with its own code: not
 * decryptable, the signer not a member or suspended, a bad signature, a key not valid at
 * sentAt, addressed elsewhere, or replayed (txnId differs from the path, or sentAt outside
 * the skew window).
 *
 * @example const txn = await openTransaction(body, { trust, decryptionKey, self: "LA", txnId, now, skewSeconds: 300 })
 */
// Async (though nothing is awaited) so that every refusal rejects rather than throws.
// eslint-disable-next-line @typescript-eslint/require-await
export async function openTransaction(jwe: string, o: OpenOptions): Promise<Transaction> {
  const { iss } = readTransactionHeader(jwe.slice(0, Math.max(0, jwe.indexOf("."))));
  let jws: string;
  try {
    if (jwe.split(".").length !== 5 || !jwe.split(".").every(isCanonicalBase64url))
      throw new Error("not five canonical base64url parts");
    const key = createPrivateKey({
      key: { kty: "OKP", crv: "X25519", x: o.decryptionKey.x, d: o.decryptionKey.d! },
      format: "jwk",
    });
    jws = new TextDecoder().decode(decryptEcdhEs(jwe, key).plaintext);
  } catch {
    throw new FrxError(
      "federation.undecryptable",
      "the transaction cannot be decrypted with this node's key",
    );
  }
  return verifyTransaction(jws, { ...o, iss });
}

/** Verifies a decrypted transaction (the node-signed JWS inside the JWE). */
export function verifyTransaction(
  jws: string,
  o: Omit<OpenOptions, "decryptionKey"> & { iss?: string },
): Transaction {
  const parsed = parseCompact(jws, TRANSACTION_TYP);
  const body = parseCanonicalObject(parsed.payload);
  const txn = validateDocument<Transaction>("documents/transaction.json", body);
  if (o.iss !== undefined && txn.origin !== o.iss)
    throw new FrxError(
      "trust.member-unknown",
      `the transaction is signed as ${txn.origin}'s but its header names ${o.iss} (FRX-FED-066)`,
    );
  const member = checkSigner(o.trust.list, parsed.header.kid, txn.origin);
  const found = findKey([member], parsed.header.kid, txn.sentAt);
  if (!found)
    throw new FrxError(
      "jws.key-retired",
      `${member.node}'s key ${parsed.header.kid} was not valid at ${txn.sentAt}`,
    );
  assertSignature(parsed, found.key);
  if (txn.destination !== o.self)
    throw new FrxError(
      "federation.not-destination",
      `the transaction is for ${txn.destination}, not ${o.self}`,
    );
  if (txn.txnId !== o.txnId)
    throw new FrxError(
      "federation.transaction-replayed",
      "the signed txnId differs from the path's",
    );
  if (Math.abs(parseInstant(txn.sentAt, "/sentAt") - o.now.getTime()) > o.skewSeconds * 1000) {
    throw new FrxError(
      "federation.transaction-replayed",
      `sentAt ${txn.sentAt} is outside the ${o.skewSeconds} s window`,
    );
  }
  return txn;
}

/** Signs a node-to-node document (reply or wake) with the node's key. */
export function signNodeDocument(
  doc: TransactionReply | Record<string, unknown>,
  typ: JwsType,
  schemaPath: string,
  signer: Signer,
): string {
  validateDocument(schemaPath, doc);
  return signCompact(encoder.encode(canonicalize(doc)), typ, signer);
}

/**
 * Verifies a document signed by a member node (a transaction reply, a wake), in the order of
 * the wake checks: JWS form and header, canonical payload, schema, then that the key is the
 * expected member's, that the member is active, that the key is valid at `at`, and the
 * signature. `node` is the member that must have signed it, or a function of the (schema-valid)
 * document that names it, such as a wake's `origin`: nothing in the payload is read before
 * it has been parsed and validated.
 */
export function verifyNodeDocument<T>(
  jws: string,
  typ: JwsType,
  schemaPath: string,
  trust: TrustList,
  node: string | ((doc: T) => string),
  at: (doc: T) => string,
): T {
  const parsed = parseCompact(jws, typ);
  const doc = validateDocument<T>(schemaPath, parseCanonicalObject(parsed.payload));
  const member = checkSigner(trust, parsed.header.kid, typeof node === "string" ? node : node(doc));
  const found = findKey([member], parsed.header.kid, at(doc));
  if (!found)
    throw new FrxError(
      "jws.key-retired",
      `${member.node}'s key ${parsed.header.kid} was not valid at ${at(doc)}`,
    );
  assertSignature(parsed, found.key);
  return doc;
}

/** The member that holds `kid`, which must be `expected`'s, and active. */
function checkSigner(list: TrustList, kid: string, expected: string) {
  const member = memberOfKid(list, kid);
  if (!member || member.node !== expected)
    throw new FrxError(
      "trust.member-unknown",
      `key ${kid} is not ${expected}'s in trust list version ${list.version}`,
    );
  if (member.status !== "active")
    throw new FrxError(
      "trust.member-suspended",
      `${member.node} is suspended in trust list version ${list.version}`,
    );
  return member;
}
