import {
  createSigner,
  findKey,
  generateSigningKey,
  publicJwkOf,
  sealTransaction,
  signEnvelope,
  signOverrideApproval,
  verifyReceipt,
  type Types,
} from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNodeKeys } from "../../src/index.js";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start();
});
afterAll(async () => cluster.close());

const la = () => cluster.get("LA");
const memberOf = (cc: string) => cluster.trustList.members.find((m) => m.node === cc)!;
let n = 0;
const nextId = () => `01KJQ1000000000000000S${String(++n).padStart(4, "0")}`;

/** An envelope from TH:DOE to LA:MOLSW, signed by the Thai agency. */
function envelopeFromTh(): string {
  const th = cluster.get("TH");
  return th.sign({
    ...fixture("case.notify"),
    id: nextId(),
    to: [{ participant: "LA:MOLSW" }],
    purpose: "case_coordination",
  });
}

/** PUTs a sealed transaction to LA and returns status and problem code (or the reply). */
async function put(
  txnId: string,
  jwe: string,
): Promise<{ status: number; code?: string; reply?: string }> {
  const res = await fetch(`${la().url}/federation/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/jose" },
    body: jwe,
  });
  const body = (await res.json()) as { code?: string; reply?: string };
  return { status: res.status, ...body };
}

async function seal(
  from: { signing: Parameters<typeof createSigner>[0] },
  txn: Partial<Types.Transaction> = {},
  to: Member = la(),
): Promise<{ txnId: string; jwe: string }> {
  const txnId = txn.txnId ?? nextId();
  const full: Types.Transaction = {
    frx: "1",
    txnId,
    origin: "TH",
    destination: to.country,
    sentAt: to.clock.now().toISOString(),
    envelopes: [envelopeFromTh()],
    ...txn,
  };
  return {
    txnId,
    jwe: await sealTransaction(
      full,
      createSigner(from.signing),
      memberOf(to.country).encryptionKey,
    ),
  };
}

describe("federation refuses, each with its code", () => {
  it("accepts a well-formed transaction and answers the same txnId retried with the same signed reply", async () => {
    await la().node.ctx.peers.ensure("TH");
    const { txnId, jwe } = await seal(cluster.get("TH").keys);
    const first = await put(txnId, jwe);
    expect(first.status).toBe(200);
    expect((await put(txnId, jwe)).reply).toBe(first.reply);
  });

  it("refuses a tampered transaction (ciphertext changed in transit)", async () => {
    const { txnId, jwe } = await seal(cluster.get("TH").keys);
    const parts = jwe.split(".");
    parts[3] = parts[3]!.slice(0, 10) + (parts[3]![10] === "A" ? "B" : "A") + parts[3]!.slice(11);
    expect(await put(txnId, parts.join("."))).toMatchObject({
      status: 400,
      code: "federation.undecryptable",
    });
  });

  it("refuses a transaction from a node that is not a member", async () => {
    const outsider = generateNodeKeys();
    expect(await put(...(Object.values(await seal(outsider)) as [string, string]))).toMatchObject({
      status: 401,
      code: "trust.member-unknown",
    });
  });

  it("refuses a captured transaction replayed under another txnId, or after its time", async () => {
    const { jwe } = await seal(cluster.get("TH").keys);
    expect(await put(nextId(), jwe)).toMatchObject({
      status: 400,
      code: "federation.transaction-replayed",
    });
    const stale = await seal(cluster.get("TH").keys, { sentAt: "2026-03-02T08:00:00Z" });
    expect(await put(stale.txnId, stale.jwe)).toMatchObject({
      status: 400,
      code: "federation.transaction-replayed",
    });
  });

  it("refuses a txnId reused with other envelopes", async () => {
    const a = await seal(cluster.get("TH").keys);
    expect((await put(a.txnId, a.jwe)).status).toBe(200);
    const b = await seal(cluster.get("TH").keys, { txnId: a.txnId });
    expect(await put(b.txnId, b.jwe)).toMatchObject({
      status: 409,
      code: "federation.transaction-conflict",
    });
  });

  it("refuses a transaction addressed to another node", async () => {
    const { txnId, jwe } = await seal(cluster.get("TH").keys, { destination: "KH" });
    expect(await put(txnId, jwe)).toMatchObject({
      status: 421,
      code: "federation.not-destination",
    });
  });

  it("rejects, inside an accepted transaction, an envelope whose agency signature does not verify", async () => {
    const forged = signEnvelope(
      {
        ...fixture("case.notify"),
        id: nextId(),
        to: [{ participant: "LA:MOLSW" }],
        purpose: "case_coordination",
      },
      createSigner(generateSigningKey().privateJwk),
    );
    const { txnId, jwe } = await seal(cluster.get("TH").keys, {
      envelopes: [forged, envelopeFromTh()],
    });
    const res = await put(txnId, jwe);
    expect(res.status).toBe(200);
    const reply = JSON.parse(
      Buffer.from(res.reply!.split(".")[1]!, "base64url").toString(),
    ) as Types.TransactionReply;
    expect(reply.results.map((r) => [r.status, r.code])).toEqual([
      ["rejected", "jws.kid-unknown"],
      ["accepted", undefined],
    ]);
  });
});

describe("a dishonest origin node cannot pass a self-asserted consent override (FRX-POL-032, FRX-POL-033)", () => {
  /** A referral TH:DOE → LA:MOLSW sharing the worker's identity under an override. */
  const referral = (approvedBy: string, signer?: string): string => {
    const th = cluster.get("TH");
    const env = { ...fixture("referral.create"), id: nextId(), to: [{ participant: "LA:MOLSW" }] };
    const consent = env.body.consent as Record<string, unknown>;
    (consent.flags as Record<string, boolean>).disclosure = false;
    consent.override = {
      reason: "vital_interest",
      approvedBy,
      approvedAt: "2026-03-02T08:55:00Z",
      justification: "Risk to life.",
      scope: ["/persons/0"],
    };
    if (signer)
      (consent.override as Record<string, unknown>).approval = signOverrideApproval(
        { ...env, from: "TH:DOE" },
        th.agencies.get(signer)!.signer,
      );
    return th.sign(env);
  };

  it("rejects at the destination an override its origin node let through, and accepts an approved one", async () => {
    await la().node.ctx.peers.ensure("TH");
    const { txnId, jwe } = await seal(cluster.get("TH").keys, {
      envelopes: [
        referral("TH:GHOST"),
        referral("TH:DSDW", "TH:DSDW"),
        referral("TH:NCC", "TH:DOE"),
        referral("TH:NCC", "TH:NCC"),
      ],
    });
    const res = await put(txnId, jwe);
    expect(res.status).toBe(200);
    const reply = JSON.parse(
      Buffer.from(res.reply!.split(".")[1]!, "base64url").toString(),
    ) as Types.TransactionReply;
    expect(reply.results.map((r) => [r.status, r.code])).toEqual([
      ["rejected", "policy.override-invalid"],
      ["rejected", "policy.override-invalid"],
      ["rejected", "policy.override-invalid"],
      ["accepted", undefined],
    ]);
  });
});

describe("trust list changes", () => {
  it("rotates a node key mid-run: new signatures verify, and so do receipts made with the old key", async () => {
    const th = cluster.get("TH");
    const before = (await (
      await th.submit(
        th.sign({
          ...fixture("case.notify"),
          id: nextId(),
          to: [{ participant: "TH:NCC" }],
          purpose: "case_coordination",
        }),
      )
    ).json()) as {
      receipt: string;
      messageId: string;
    };
    const oldSigning = th.keys.signing;
    const fresh = generateSigningKey();
    // The node holds its next key before the list gives it (FRX-TRUST-029).
    th.node.prepareSigningKey(fresh.privateJwk);
    const now = th.clock.now().toISOString();
    await cluster.nextTrustList(
      (list) => ({
        ...list,
        issuedAt: now,
        members: list.members.map((m) =>
          m.node !== "TH"
            ? m
            : {
                ...m,
                signingKeys: [
                  { ...m.signingKeys[0]!, status: "retired", notAfter: now },
                  {
                    jwk: {
                      ...publicJwkOf(fresh.privateJwk),
                      kid: publicJwkOf(fresh.privateJwk).kid!,
                      use: "sig",
                    } as never,
                    status: "current",
                    notBefore: now,
                  },
                ],
              },
        ),
      }),
      ["TH", "LA"],
    );
    th.node.rotateSigningKey(fresh.privateJwk);
    th.keys.signing = fresh.privateJwk;
    th.clock.advance(1000);
    la().clock.advance(1000);
    const env = {
      ...fixture("case.notify"),
      id: nextId(),
      to: [{ participant: "LA:MOLSW" }],
      purpose: "case_coordination",
    };
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      async () =>
        (
          (await (await la().as("LA:MOLSW", "/v1/inbox")).json()) as {
            items: Array<{ messageId: string }>;
          }
        ).items.some((i) => i.messageId === env.id),
      "delivery after rotation",
    );
    // A transaction signed with the retired key now is refused.
    const old = await seal({ signing: oldSigning });
    expect(await put(old.txnId, old.jwe)).toMatchObject({ code: "jws.key-retired" });
    // A receipt TH signed before the rotation still verifies against the new trust list.
    const receipt = JSON.parse(
      Buffer.from(before.receipt.split(".")[1]!, "base64url").toString(),
    ) as Types.Receipt;
    const resolve = (kid: string) => {
      const found = findKey(
        cluster.trustList.members.filter((m) => m.node === "TH"),
        kid,
        receipt.receivedAt,
      );
      return found ? { key: found.key, owner: "TH" } : undefined;
    };
    await expect(
      verifyReceipt(
        before.receipt,
        { messageId: before.messageId, digest: receipt.digest, node: "TH" },
        resolve,
      ),
    ).resolves.toMatchObject({ messageId: before.messageId });
  });

  it("refuses transactions from a member the trust list suspends", async () => {
    await cluster.nextTrustList(
      (list) => ({
        ...list,
        issuedAt: la().clock.now().toISOString(),
        members: list.members.map((m) => (m.node === "KH" ? { ...m, status: "suspended" } : m)),
      }),
      ["TH", "LA"],
    );
    const kh = cluster.get("KH");
    const txnId = nextId();
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId,
        origin: "KH",
        destination: "LA",
        sentAt: la().clock.now().toISOString(),
        envelopes: [envelopeFromTh()],
      },
      createSigner(kh.keys.signing),
      memberOf("LA").encryptionKey,
    );
    expect(await put(txnId, jwe)).toMatchObject({ status: 403, code: "trust.member-suspended" });
  });

  it("refuses a new version without a quorum of the previous one", async () => {
    await expect(
      cluster.nextTrustList((list) => ({ ...list, quorum: 1 }), ["TH"]),
    ).rejects.toMatchObject({ code: "trust.quorum-not-met" });
  });

  it("fails closed on an expired trust list, and says so in /readyz", async () => {
    const saved = la().clock.now();
    la().clock.set("2027-01-02T00:00:00Z");
    try {
      const { txnId, jwe } = await seal(cluster.get("TH").keys);
      expect(await put(txnId, jwe)).toMatchObject({ status: 503, code: "trust.list-expired" });
      const ready = await fetch(`${la().url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        checks: { trustListInForce: false },
        trustList: { state: "expired" },
      });
    } finally {
      la().clock.set(saved);
    }
  });
});

describe("trust list expiry warning", () => {
  it("logs a warning while the list is close to expiry, and an error once it has expired", async () => {
    const { TrustWatch } = await import("../../src/jobs/trust-watch.js");
    const m = la();
    const saved = m.clock.now();
    const watch = new TrustWatch(m.node.ctx);
    try {
      m.clock.set("2026-12-25T00:00:00Z");
      watch.check();
      m.clock.set("2027-01-02T00:00:00Z");
      watch.check();
      const events = m.logger.lines.map((l) => l.event);
      expect(events).toContain("trust.list-expiring");
      expect(events).toContain("trust.list-expired");
    } finally {
      m.clock.set(saved);
    }
  });
});
