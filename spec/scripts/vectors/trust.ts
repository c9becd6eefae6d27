import { canonicalize } from "../../src/codec/canonical-json.js";
import {
  draftTrustList,
  signTrustList,
  trustListDigest,
  type SignedTrustList,
} from "../../src/federation/trust-list.js";
import { signCompact } from "../../src/jws/compact.js";
import { createSigner, publicJwkOf, thumbprint } from "../../src/jws/keys.js";
import type { TrustList } from "../../src/generated/types.js";
import type { Vector } from "./envelope.js";
import { signerFor, type TestKeys } from "./keys.js";

const ISSUED = "2026-01-01T00:00:00Z";
const NOW = "2026-03-02T09:45:00Z";

/** The three test nodes as trust list members. */
export function testTrustList(
  keys: TestKeys,
  changes: Partial<TrustList> = {},
  status: Record<string, "active" | "suspended"> = {},
): TrustList {
  return {
    frx: "1",
    version: 1,
    issuedAt: ISSUED,
    expiresAt: "2027-01-01T00:00:00Z",
    quorum: 2,
    members: keys.nodes.map((n, i) => {
      const pub = publicJwkOf(n.privateJwk);
      const enc = (n as unknown as { encryptionJwk: { x: string } }).encryptionJwk;
      return {
        node: n.node,
        name: `FRX national node ${n.node}`,
        endpoint: `http://127.0.0.1:${7401 + i}/federation/v1`,
        signingKeys: [
          {
            jwk: { kty: "OKP", crv: "Ed25519", x: pub.x, kid: pub.kid!, use: "sig" },
            status: "current",
            notBefore: "2025-01-01T00:00:00Z",
          },
        ],
        encryptionKey: {
          kty: "OKP",
          crv: "X25519",
          x: enc.x,
          kid: thumbprint({ kty: "OKP", crv: "X25519", x: enc.x }),
          use: "enc",
        },
        status: status[n.node] ?? "active",
      };
    }),
    ...changes,
  } as TrustList;
}

function signedBy(list: TrustList, keys: TestKeys, nodes: string[]): SignedTrustList {
  return nodes.reduce((s, n) => signTrustList(s, signerFor(keys, n)), draftTrustList(list));
}

/** Trust list vectors: a signed list, the previous version (or the pinned genesis digest), a clock, the verdict. */
export function trustVectors(keys: TestKeys): Record<string, Vector> {
  const genesis = signedBy(testTrustList(keys), keys, ["TH", "LA", "KH"]);
  const pin = trustListDigest(genesis);
  const next = (changes: Partial<TrustList> = {}) =>
    testTrustList(keys, {
      version: 2,
      issuedAt: "2026-02-01T00:00:00Z",
      previousDigest: pin,
      ...changes,
    });
  const out: Record<string, Vector> = {};
  const add = (
    name: string,
    description: string,
    fields: Record<string, unknown>,
    expect: Vector["expect"],
  ) => {
    out[`trust/${name}.json`] = { id: `trust/${name}`, description, now: NOW, ...fields, expect };
  };
  add(
    "genesis-ok",
    "The genesis list, signed by all three members, matching the pinned digest.",
    { trustList: genesis, pinnedDigest: pin },
    { valid: true },
  );
  add(
    "genesis-missing-signature-fail",
    "A genesis list that one member has not signed.",
    { trustList: signedBy(testTrustList(keys), keys, ["TH", "LA"]), pinnedDigest: pin },
    { valid: false, code: "trust.quorum-not-met" },
  );
  add(
    "genesis-wrong-pin-fail",
    "A genesis list other than the one pinned in configuration.",
    {
      trustList: signedBy(testTrustList(keys, { quorum: 1 }), keys, ["TH", "LA", "KH"]),
      pinnedDigest: pin,
    },
    { valid: false, code: "trust.quorum-not-met" },
  );
  add(
    "next-ok",
    "Version 2 (KH suspended), signed by a quorum (2) of version 1's members.",
    { previous: genesis, pinnedDigest: pin, trustList: signedBy(next(), keys, ["TH", "LA"]) },
    { valid: true },
  );
  {
    // A node joining at version 2 pins version 2's digest and holds no version 1 (FRX-TRUST-030).
    const joined = signedBy(next(), keys, ["TH", "LA"]);
    add(
      "join-at-version-2-ok",
      "A node joining at version 2, with no previous version, pins version 2's digest; version 2 carries its own quorum (2) of its own active members' signatures.",
      { trustList: joined, pinnedDigest: trustListDigest(joined) },
      { valid: true },
    );
    add(
      "join-at-version-2-wrong-pin-fail",
      "A node joining at version 2 whose pinned digest is another list's (here version 1's).",
      { trustList: joined, pinnedDigest: pin },
      { valid: false, code: "trust.quorum-not-met" },
    );
  }
  add(
    "next-quorum-fail",
    "Version 2 signed by one member only; the quorum is two.",
    { previous: genesis, pinnedDigest: pin, trustList: signedBy(next(), keys, ["TH"]) },
    { valid: false, code: "trust.quorum-not-met" },
  );
  add(
    "next-skips-version-fail",
    "Version 3 presented after version 1.",
    {
      previous: genesis,
      pinnedDigest: pin,
      trustList: signedBy(next({ version: 3 }), keys, ["TH", "LA"]),
    },
    { valid: false, code: "trust.list-invalid" },
  );
  add(
    "next-wrong-previous-fail",
    "Version 2 naming another previous digest.",
    {
      previous: genesis,
      pinnedDigest: pin,
      trustList: signedBy(next({ previousDigest: "0".repeat(64) }), keys, ["TH", "LA"]),
    },
    { valid: false, code: "trust.list-invalid" },
  );
  {
    const outsider = createSigner(keys.outsider.privateJwk);
    const s = signTrustList(signedBy(next(), keys, ["TH"]), outsider);
    add(
      "next-outsider-fail",
      "Version 2 signed by one member and a key no member holds.",
      { previous: genesis, pinnedDigest: pin, trustList: s },
      { valid: false, code: "trust.member-unknown" },
    );
  }
  {
    const s = signedBy(next(), keys, ["TH", "LA"]);
    const tampered = {
      ...s,
      payload: Buffer.from(canonicalize({ ...next(), quorum: 1 })).toString("base64url"),
    };
    add(
      "next-tampered-fail",
      "Version 2 whose payload was changed after signing (quorum lowered).",
      { previous: genesis, pinnedDigest: pin, trustList: tampered },
      { valid: false, code: "jws.signature-invalid" },
    );
  }
  {
    // TH and KH meet the quorum without LA and give LA's entry TH's encryption key; LA's own
    // node checks its entry against the keys it holds (FRX-TRUST-029).
    const la = keys.nodes.find((n) => n.node === "LA")!;
    const encOf = (node: string) =>
      (keys.nodes.find((n) => n.node === node) as unknown as { encryptionJwk: { x: string } })
        .encryptionJwk.x;
    const self = {
      node: "LA",
      signingKey: publicJwkOf(la.privateJwk).x,
      otherSigningKeys: [],
      encryptionKey: encOf("LA"),
    };
    const list = next();
    const hijacked = {
      ...list,
      members: list.members.map((m) =>
        m.node === "LA" ? { ...m, encryptionKey: { ...m.encryptionKey, x: encOf("TH") } } : m,
      ),
    };
    add(
      "next-own-entry-ok",
      "Version 2 as LA's own node checks it: its entry gives LA the keys LA holds.",
      { previous: genesis, pinnedDigest: pin, self, trustList: signedBy(list, keys, ["TH", "KH"]) },
      { valid: true },
    );
    add(
      "next-own-entry-fail",
      "Version 2, signed by TH and KH only, giving LA's entry another encryption key; `self` is the node checking it (LA) with the keys it holds.",
      {
        previous: genesis,
        pinnedDigest: pin,
        self,
        trustList: signedBy(hijacked, keys, ["TH", "KH"]),
      },
      { valid: false, code: "trust.own-entry-mismatch" },
    );
  }
  // Expiry is not a flaw of the list: it verifies (signatures, pin) as before, but once `now`
  // reaches its expiresAt it is no longer in force, and the node holding it fails closed
  // (FRX-TRUST-015): trust.list-expired on every transaction and wake.
  add(
    "expired-fail",
    "The genesis list verifies (signatures and pinned digest are intact), but `now` is a day after its expiresAt: it is no longer in force, so a node holding it refuses every inbound transaction and wake with trust.list-expired (FRX-TRUST-015).",
    { trustList: genesis, pinnedDigest: pin, now: "2027-01-02T00:00:00Z" },
    { valid: false, code: "trust.list-expired" },
  );
  add(
    "expiry-cutoff-fail",
    "The genesis list at exactly its expiresAt: no clock skew applies to a node's own list, so it is already out of force (FRX-TRUST-015).",
    { trustList: genesis, pinnedDigest: pin, now: "2027-01-01T00:00:00Z" },
    { valid: false, code: "trust.list-expired" },
  );
  add(
    "before-expiry-ok",
    "The genesis list one millisecond before its expiresAt: still in force.",
    { trustList: genesis, pinnedDigest: pin, now: "2026-12-31T23:59:59.999Z" },
    { valid: true },
  );
  return { ...out, ...transactionVectors(keys, genesis, pin) };
}

/** Transaction vectors: the node-signed transaction inside the JWE (encryption is random, so vectors hold the JWS). */
function transactionVectors(
  keys: TestKeys,
  genesis: SignedTrustList,
  pin: string,
): Record<string, Vector> {
  const txn = {
    frx: "1",
    txnId: "01KJQ0000000000000000TXN01",
    origin: "TH",
    destination: "LA",
    sentAt: "2026-03-02T09:44:00Z",
    envelopes: ["aGVhZGVy.cGF5bG9hZA.c2ln"],
  };
  const sign = (value: object, as = "TH") =>
    signCompact(
      new TextEncoder().encode(canonicalize(value)),
      "frx-transaction+jws",
      signerFor(keys, as),
    );
  const out: Record<string, Vector> = {};
  const add = (
    name: string,
    description: string,
    fields: Record<string, unknown>,
    expect: Vector["expect"],
  ) => {
    out[`transaction/${name}.json`] = {
      id: `transaction/${name}`,
      description,
      trustList: genesis,
      pinnedDigest: pin,
      self: "LA",
      txnId: txn.txnId,
      now: NOW,
      ...fields,
      expect,
    };
  };
  add(
    "transaction-ok",
    "A transaction from TH to LA, signed by TH's current key.",
    { jws: sign(txn) },
    { valid: true },
  );
  add(
    "not-destination-fail",
    "A transaction for KH presented to LA.",
    { jws: sign({ ...txn, destination: "KH" }) },
    { valid: false, code: "federation.not-destination" },
  );
  add(
    "txn-id-mismatch-fail",
    "A captured transaction presented under another txnId.",
    { jws: sign(txn), txnId: "01KJQ0000000000000000TXN99" },
    { valid: false, code: "federation.transaction-replayed" },
  );
  add(
    "stale-fail",
    "A transaction replayed an hour after it was signed.",
    { jws: sign(txn), now: "2026-03-02T10:45:00Z" },
    { valid: false, code: "federation.transaction-replayed" },
  );
  add(
    "outsider-fail",
    "A transaction signed by a key no member holds.",
    {
      jws: signCompact(
        new TextEncoder().encode(canonicalize(txn)),
        "frx-transaction+jws",
        createSigner(keys.outsider.privateJwk),
      ),
    },
    { valid: false, code: "trust.member-unknown" },
  );
  add(
    "origin-mismatch-fail",
    "A transaction claiming origin KH, signed with TH's key.",
    { jws: sign({ ...txn, origin: "KH" }) },
    { valid: false, code: "trust.member-unknown" },
  );
  {
    const [h, , s] = sign(txn).split(".");
    add(
      "tampered-fail",
      "A transaction whose envelopes were changed after signing.",
      {
        jws: `${h}.${Buffer.from(canonicalize({ ...txn, envelopes: ["b3RoZXI.cGF5bG9hZA.c2ln"] })).toString("base64url")}.${s}`,
      },
      { valid: false, code: "jws.signature-invalid" },
    );
  }
  {
    const suspended = signedBy(testTrustList(keys, {}, { KH: "suspended" }), keys, ["TH", "LA"]);
    add(
      "suspended-fail",
      "A transaction from KH, which the trust list suspends.",
      {
        trustList: suspended,
        pinnedDigest: trustListDigest(suspended),
        jws: sign({ ...txn, origin: "KH" }, "KH"),
      },
      { valid: false, code: "trust.member-suspended" },
    );
  }
  return out;
}
