import { isDeepStrictEqual } from "node:util";
import * as fc from "fast-check";
import {
  parseInstant,
  openTransaction,
  parseCompact,
  sealTransaction,
  signNodeDocument,
  TRANSACTION_TYP,
  verifyNodeDocument,
  verifyTrustList,
  WAKE_TYP,
  type SignedTrustList,
  type Types,
  type X25519Jwk,
} from "@frx/spec";
import { mutateJson, mutateString } from "../mutate.js";
import { signerOf, testKeys, vector, type Json } from "../seeds.js";
import { acceptedOrRefused } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface TxnVector {
  trustList: SignedTrustList;
  pinnedDigest: string;
  self: string;
  txnId: string;
  now: string;
  jws: string;
}

type Input =
  | { kind: "jwe-bytes"; jwe: string }
  | { kind: "txn"; txn: Json; signAs: string }
  | { kind: "wake"; wake: Json; signAs: string }
  | { kind: "wake-bytes"; jws: string };

/**
 * Federation transactions (JWE to the receiving node around a node-signed JWS) and wake
 * documents, from a member node (TH) to LA. Mutated as bytes (the JWE and the wake JWS) and as
 * documents then genuinely sealed or signed by a member or another node. Oracles: the genuine
 * ones open; refusals carry spec codes; an opened transaction is from the node that signed it,
 * for LA, with the path's txnId, and an edited JWE never opens to anything but the original.
 */
export async function transactionTarget(): Promise<FuzzTarget<Input>> {
  const v = vector<TxnVector>("transaction/transaction-ok.json");
  const now = new Date(parseInstant(v.now));
  const trust = verifyTrustList(v.trustList, { pinnedDigest: v.pinnedDigest, now });
  const la = testKeys.nodes.find((n) => n.node === "LA")!;
  const decryptionKey = la.encryptionJwk as unknown as X25519Jwk;
  const publicLa = { kty: "OKP", crv: "X25519", x: decryptionKey.x } as X25519Jwk;
  const txn = JSON.parse(
    Buffer.from(parseCompact(v.jws, TRANSACTION_TYP).payload).toString("utf8"),
  ) as Types.Transaction;
  const jwe = await sealTransaction(txn, signerOf("TH"), publicLa);
  const wake = { frx: "1", origin: "TH", destination: "LA", sentAt: v.now };
  const wakeJws = signNodeDocument(wake, WAKE_TYP, "documents/wake.json", signerOf("TH"));
  const open = (sealed: string) =>
    openTransaction(sealed, {
      trust,
      decryptionKey,
      self: "LA",
      txnId: v.txnId,
      now,
      skewSeconds: 300,
    });
  const verifyWake = (jws: string) =>
    verifyNodeDocument<typeof wake>(
      jws,
      WAKE_TYP,
      "documents/wake.json",
      trust.list,
      (d) => d.origin,
      (d) => d.sentAt,
    );
  const signers = fc.constantFrom("TH", "TH", "KH", "LA", "outsider");
  const arbitrary: fc.Arbitrary<Input> = fc.oneof(
    fc.record({ kind: fc.constant("jwe-bytes" as const), jwe: mutateString(jwe) }),
    fc.record({
      kind: fc.constant("txn" as const),
      txn: mutateJson(txn as unknown as Json),
      signAs: signers,
    }),
    fc.record({ kind: fc.constant("wake" as const), wake: mutateJson(wake), signAs: signers }),
    fc.record({ kind: fc.constant("wake-bytes" as const), jws: mutateString(wakeJws) }),
  );
  if (!isDeepStrictEqual(await open(jwe), txn))
    throw new TypeError("the genuine transaction does not open");
  return {
    name: "transaction",
    surface: "federation transactions (PUT /federation/v1/transactions/:txnId) and wake documents",
    arbitrary,
    async check(input) {
      if (input.kind === "wake" || input.kind === "wake-bytes") {
        let jws: string;
        if (input.kind === "wake-bytes") jws = input.jws;
        else {
          const signed = await acceptedOrRefused(() =>
            signNodeDocument(
              input.wake as never,
              WAKE_TYP,
              "documents/wake.json",
              signerOf(input.signAs),
            ),
          );
          if (!signed.ok) return; // our own signer refuses a document that breaks the schema
          jws = signed.value;
        }
        const r = await acceptedOrRefused(() => verifyWake(jws));
        if (!r.ok) return;
        const signer = input.kind === "wake" ? input.signAs : "TH";
        if (r.value.origin !== signer)
          fail(`a wake signed by ${signer} passed as ${r.value.origin}'s`);
        if (input.kind === "wake-bytes" && jws !== wakeJws) fail("an edited wake verified");
        return;
      }
      let sealed: string;
      if (input.kind === "jwe-bytes") sealed = input.jwe;
      else {
        const s = await acceptedOrRefused(() =>
          sealTransaction(input.txn as never, signerOf(input.signAs), publicLa),
        );
        if (!s.ok) return;
        sealed = s.value;
      }
      const r = await acceptedOrRefused(() => open(sealed));
      if (!r.ok) return;
      const opened = r.value;
      if (input.kind === "jwe-bytes" && !isDeepStrictEqual(opened, txn))
        fail("an edited JWE opened to another transaction");
      if (input.kind === "txn" && opened.origin !== input.signAs)
        fail(`signed by ${input.signAs}, opened as ${opened.origin}'s`);
      if (opened.destination !== "LA" || opened.txnId !== v.txnId)
        fail("opened a transaction for elsewhere");
    },
    close: () => Promise.resolve(),
  };
}
