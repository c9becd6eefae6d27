import { createPublicKey } from "node:crypto";
import {
  canonicalize,
  createSigner,
  REPLY_TYP,
  sealTransaction,
  signCompact,
  TRANSACTION_JWE_TYP,
  TRANSACTION_TYP,
  verifyNodeDocument,
  type PrivateJwk,
  type Types,
  type X25519Jwk,
} from "@frx/spec";
import { CompactEncrypt } from "jose";
import { holds } from "../harness/check.js";
import type { Http, Reply } from "../harness/http.js";
import { ulid } from "../harness/ulid.js";

const encoder = new TextEncoder();

export interface TransactionOptions {
  envelopes: string[];
  /** Signed txnId; the path uses `pathTxnId` when given, else the same. */
  txnId?: string;
  pathTxnId?: string;
  /** The node key that signs the transaction (default: the peer's). */
  signer?: PrivateJwk;
  origin?: string;
  destination?: string;
  sentAt?: string;
  /** Flip one ciphertext character after sealing. */
  tamper?: boolean;
  /** Rewrites the signed JWS before it is encrypted (to break one of its checks). */
  rewrite?: (jws: string) => string;
  /** The JWE protected header's iss (null: none); default the origin. */
  jweIss?: string | null;
  /** A longer deadline for the answer than the harness's usual one. */
  timeoutMs?: number;
}

export interface Sent {
  txnId: string;
  http: Reply;
}

/** Seals and PUTs one transaction to the node under test, as the harness peer (or an impostor). */
export async function sendTransaction(
  http: Http,
  defaults: { signer: PrivateJwk; origin: string; destination: string; encryptTo: X25519Jwk },
  o: TransactionOptions,
): Promise<Sent> {
  const txnId = o.txnId ?? ulid();
  const txn = {
    frx: "1" as const,
    txnId,
    origin: o.origin ?? defaults.origin,
    destination: o.destination ?? defaults.destination,
    sentAt: o.sentAt ?? new Date().toISOString(),
    envelopes: o.envelopes,
  };
  const signer = createSigner(o.signer ?? defaults.signer);
  const rewrite = o.rewrite ?? (o.jweIss !== undefined ? (jws: string) => jws : undefined);
  let jwe = rewrite
    ? await encryptTo(
        rewrite(signCompact(encoder.encode(canonicalize(txn)), TRANSACTION_TYP, signer)),
        defaults.encryptTo,
        o.jweIss === undefined ? txn.origin : o.jweIss,
      )
    : await sealTransaction(txn, signer, defaults.encryptTo);
  if (o.tamper) {
    const parts = jwe.split(".");
    const c = parts[3]!;
    parts[3] = c.slice(0, 8) + (c[8] === "A" ? "B" : "A") + c.slice(9);
    jwe = parts.join(".");
  }
  const http2 = await http.call("PUT", `/federation/v1/transactions/${o.pathTxnId ?? txnId}`, {
    headers: { "content-type": "application/jose" },
    body: jwe,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs, isolate: true } : {}),
  });
  return { txnId, http: http2 };
}

/** Verifies the node's signed reply to a transaction against the trust list. */
export async function verifiedReply(
  sent: Sent,
  trust: Types.TrustList,
  node: string,
): Promise<{ jws: string; reply: Types.TransactionReply }> {
  const jws = sent.http.json<{ reply?: unknown }>().reply;
  return holds("the node's transaction reply", () => {
    if (typeof jws !== "string") throw new Error(`no reply in ${sent.http.text.slice(0, 200)}`);
    const reply = verifyNodeDocument<Types.TransactionReply>(
      jws,
      REPLY_TYP,
      "documents/transaction-reply.json",
      trust,
      node,
      () => new Date().toISOString(),
    );
    return { jws, reply };
  });
}

/** Encrypts any text as a transaction JWE (ECDH-ES, A256GCM) from `iss` (null: none) to a node's X25519 key. */
export async function encryptTo(
  plaintext: string,
  key: X25519Jwk,
  iss: string | null,
): Promise<string> {
  const publicKey = createPublicKey({
    key: { kty: "OKP", crv: "X25519", x: key.x },
    format: "jwk",
  });
  return new CompactEncrypt(encoder.encode(plaintext))
    .setProtectedHeader({
      alg: "ECDH-ES",
      enc: "A256GCM",
      typ: TRANSACTION_JWE_TYP,
      cty: "JWT",
      ...(iss === null ? {} : { iss }),
    })
    .encrypt(publicKey);
}
