import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isFrxError } from "../src/errors.js";
import { openTransaction, sealTransaction, type X25519Jwk } from "../src/federation/transaction.js";
import {
  draftTrustList,
  signTrustList,
  trustListDigest,
  verifyTrustList,
} from "../src/federation/trust-list.js";
import type { TrustList } from "../src/generated/types.js";
import { createSigner, generateSigningKey, publicJwkOf, type PrivateJwk } from "../src/jws/keys.js";
import { vectorDir } from "./vector-files.js";

type Keys = { nodes: Array<{ node: string; privateJwk: PrivateJwk; encryptionJwk: X25519Jwk }> };
const keys = JSON.parse(readFileSync(join(vectorDir, "test-keys.json"), "utf8")) as Keys;
const node = (id: string) => keys.nodes.find((n) => n.node === id)!;
const genesisVector = JSON.parse(
  readFileSync(join(vectorDir, "trust", "genesis-ok.json"), "utf8"),
) as { trustList: never; pinnedDigest: string };
const trust = verifyTrustList(genesisVector.trustList, {
  pinnedDigest: genesisVector.pinnedDigest,
});
const txn = {
  frx: "1",
  txnId: "01KJQ0000000000000000TXN01",
  origin: "TH",
  destination: "LA",
  sentAt: "2026-03-02T09:44:00Z",
  envelopes: ["aGVhZGVy.cGF5bG9hZA.c2ln"],
} as const;
const opts = {
  trust,
  decryptionKey: node("LA").encryptionJwk,
  self: "LA",
  txnId: txn.txnId,
  now: new Date("2026-03-02T09:45:00Z"),
  skewSeconds: 300,
};
const code = async (p: Promise<unknown>) =>
  p.then(
    () => "valid",
    (e) => (isFrxError(e) ? e.code : String(e)),
  );

describe("sealed transactions", () => {
  it("round-trips: signed by the origin, encrypted to the destination, opened and verified there", async () => {
    const jwe = await sealTransaction(
      { ...txn, envelopes: [...txn.envelopes] },
      createSigner(node("TH").privateJwk),
      node("LA").encryptionJwk,
    );
    expect(jwe.split(".")).toHaveLength(5);
    expect(await openTransaction(jwe, opts)).toEqual(txn);
  });

  it("cannot be opened with another node's key", async () => {
    const jwe = await sealTransaction(
      { ...txn, envelopes: [...txn.envelopes] },
      createSigner(node("TH").privateJwk),
      node("KH").encryptionJwk,
    );
    expect(await code(openTransaction(jwe, opts))).toBe("federation.undecryptable");
  });

  it("refuses ciphertext changed in transit (AES-GCM authentication)", async () => {
    const jwe = await sealTransaction(
      { ...txn, envelopes: [...txn.envelopes] },
      createSigner(node("TH").privateJwk),
      node("LA").encryptionJwk,
    );
    const parts = jwe.split(".");
    const ct = Buffer.from(parts[3]!, "base64url");
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString("base64url");
    expect(await code(openTransaction(parts.join("."), opts))).toBe("federation.undecryptable");
  });

  it("refuses something that is not a JWE", async () => {
    expect(await code(openTransaction("not.a.jwe", opts))).toBe("federation.undecryptable");
  });
});

describe("node key rotation through the trust list", () => {
  const rotated = generateSigningKey();
  const v1 = trust.list;
  const v2: TrustList = {
    ...v1,
    version: 2,
    issuedAt: "2026-03-01T00:00:00Z",
    previousDigest: trust.digest,
    members: v1.members.map((m) =>
      m.node !== "TH"
        ? m
        : {
            ...m,
            signingKeys: [
              { ...m.signingKeys[0]!, status: "retired", notAfter: "2026-03-02T09:00:00Z" },
              {
                jwk: {
                  ...publicJwkOf(rotated.privateJwk),
                  kid: publicJwkOf(rotated.privateJwk).kid!,
                  use: "sig",
                } as never,
                status: "current",
                notBefore: "2026-03-01T00:00:00Z",
              },
            ],
          },
    ),
  };
  const signed = ["TH", "LA"].reduce(
    (s, n) => signTrustList(s, createSigner(node(n).privateJwk)),
    draftTrustList(v2),
  );
  const next = verifyTrustList(signed, { previous: trust });

  it("is applied when a quorum of the previous version signs it", () => {
    expect(next.signedBy).toEqual(["LA", "TH"]);
    expect(trustListDigest(signed)).toBe(next.digest);
  });

  it("verifies a transaction signed with the new key, and one signed with the old key before its retirement", async () => {
    const o = { ...opts, trust: next };
    const fresh = await sealTransaction(
      { ...txn, envelopes: [...txn.envelopes] },
      createSigner(rotated.privateJwk),
      node("LA").encryptionJwk,
    );
    expect(await code(openTransaction(fresh, o))).toBe("valid");
    const before = { ...txn, envelopes: [...txn.envelopes], sentAt: "2026-03-02T08:59:00Z" };
    const old = await sealTransaction(
      before,
      createSigner(node("TH").privateJwk),
      node("LA").encryptionJwk,
    );
    expect(await code(openTransaction(old, { ...o, now: new Date("2026-03-02T09:01:00Z") }))).toBe(
      "valid",
    );
  });

  it("refuses the old key for anything signed after its retirement", async () => {
    const old = await sealTransaction(
      { ...txn, envelopes: [...txn.envelopes] },
      createSigner(node("TH").privateJwk),
      node("LA").encryptionJwk,
    );
    expect(await code(openTransaction(old, { ...opts, trust: next }))).toBe("jws.key-retired");
  });
});

describe("FRX-TRUST-001: a trust list's signatures are objects with protected and signature", () => {
  const genesis = JSON.parse(readFileSync(join(vectorDir, "trust", "genesis-ok.json"), "utf8")) as {
    trustList: { payload: string; signatures: unknown[] };
    pinnedDigest: string;
    now: string;
  };
  // Found by the trust-list fuzz target: a null entry threw a TypeError instead of a coded refusal.
  for (const [what, entry] of [
    ["null", null],
    ["a string", "x"],
    ["a number", 7],
    ["an object without signature", { protected: "eyJ9" }],
    ["an object with a non-string protected", { protected: 1, signature: "AA" }],
    ["an object with an extra member", { protected: "eyJ9", signature: "AA", header: {} }],
  ] as const) {
    it(`refuses ${what} among the signatures as trust.list-invalid`, () => {
      const list = { ...genesis.trustList, signatures: [...genesis.trustList.signatures, entry] };
      let thrown: unknown;
      try {
        verifyTrustList(list as never, {
          pinnedDigest: genesis.pinnedDigest,
          now: new Date(genesis.now),
        });
      } catch (error) {
        thrown = error;
      }
      expect(isFrxError(thrown, "trust.list-invalid"), String(thrown)).toBe(true);
    });
  }
});
