import { digestOf, parseCanonicalObject, parseCompact, parseInstant, thumbprint } from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import { inboxItems } from "../harness/inbox.js";
import { section } from "./define.js";

const t = section("receipts", "core");
const SKEW_MS = 300_000;

export const receiptTests = [
  t(
    "FRX-RCPT-002",
    async (h) => {
      const jws = h.sign(h.envelope("case-notify-ok"));
      const before = Date.now();
      const a = await h.accepted(jws);
      const parsed = await holds("the receipt's JWS", () =>
        parseCompact(a.receiptJws, "frx-receipt+jws"),
      );
      same(parsed.header.alg, "Ed25519", "receipt alg");
      const key = h.node.member.signingKeys.find((k) => k.jwk.kid === parsed.header.kid);
      check(
        key,
        `the receipt's kid ${parsed.header.kid} is not a signing key of ${h.node.id} in the trust list`,
      );
      same(key.status, "current", "the receipt key's status in the trust list");
      same(thumbprint(key.jwk), parsed.header.kid, "kid is the key's RFC 7638 thumbprint");
      await holds("the receipt payload is canonical JSON", () =>
        parseCanonicalObject(parsed.payload),
      );
      same(a.receipt.messageId, h.idOf(jws), "receipt messageId");
      same(a.receipt.digest, digestOf(jws), "receipt digest");
      same(a.receipt.node, h.node.id, "receipt node");
      same(a.receipt.deliveredTo, [h.id("VS")], "receipt deliveredTo");
      const at = parseInstant(a.receipt.receivedAt, "/receivedAt");
      check(
        at >= before - SKEW_MS && at <= Date.now() + SKEW_MS,
        `receivedAt ${a.receipt.receivedAt} is not the time of storage`,
      );
    },
    { covers: ["FRX-SIG-001", "FRX-SIG-002", "FRX-JCS-001"] },
  ),

  t("FRX-SIG-018", async (h) => {
    const jws = h.sign(h.envelope("case-notify-ok"));
    const a = await h.accepted(jws);
    check(
      /^[0-9a-f]{64}$/.test(a.receipt.digest),
      `digest ${a.receipt.digest} is not 64 lower-case hex digits`,
    );
    same(a.receipt.digest, digestOf(jws), "the digest of the JWS as sent");
  }),

  t(
    "FRX-RCPT-003",
    async (h) => {
      const jws = h.sign(h.envelope("case-notify-ok"));
      const first = await h.accepted(jws, 201);
      same(first.status, "accepted", "the reply's status for a first submission");
      const again = await h.submit(jws);
      check(
        again.status === 200,
        `a duplicate was answered HTTP ${again.status}, not 200: ${again.text.slice(0, 300)}`,
      );
      const body = again.json<{ status?: string; receipt?: string }>();
      same(body.receipt, first.receiptJws, "the duplicate's receipt (byte for byte)");
      same(body.status, "duplicate", "the reply's status for a duplicate");
      const id = h.idOf(jws);
      const delivered = await inboxItems(h, "VS", (i) => i.messageId === id);
      same(delivered.length, 1, `inbox items for ${id} at ${h.id("VS")}`);
    },
    { covers: ["FRX-API-002", "FRX-API-003"] },
  ),

  t("FRX-RCPT-006", async (h) => {
    // An envelope that expires in three seconds: once that instant has passed, and well within
    // the skew, a retransmission must still find its duplicate record.
    const expiresAt = Date.now() + 3_000;
    const jws = h.sign(
      h.envelope("case-notify-ok", { expiresAt: new Date(expiresAt).toISOString() }),
    );
    const first = await h.accepted(jws, 201);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, expiresAt + 1_500 - Date.now())),
    );
    const again = await h.submit(jws);
    check(
      again.status === 200,
      `the envelope sent again after its expiresAt (within the skew) was answered HTTP ${again.status}, not as a duplicate: ${again.text.slice(0, 300)}`,
    );
    const body = again.json<{ status?: string; receipt?: string }>();
    same(
      [body.status, body.receipt],
      ["duplicate", first.receiptJws],
      "the reply to the retransmission",
    );
  }),

  t("FRX-RCPT-004", async (h) => {
    const env = h.envelope("case-notify-ok");
    await h.accepted(h.sign(env));
    const changed = { ...env, body: { ...env.body, exploitationTypes: ["ForcedLabour"] } };
    await h.refused(h.sign(changed), "idempotency.conflict");
  }),

  t("FRX-RCPT-005", async (h) => {
    const env = h.envelope("policy-message-tier-fail");
    await h.refused(h.sign(env), "policy.tier-exceeded");
    // The refused id is free: the corrected envelope under the same id is stored.
    await h.accepted(h.sign({ ...env, tier: "T0" }));
  }),

  t(
    "FRX-ENV-021/idempotency",
    async (h) => {
      // Idempotency (4) before policy (7): once consent is withdrawn, a retransmitted
      // referral gets its original receipt, not a refusal.
      const create = h.envelope("referral-create-ok");
      const jws = h.sign(create);
      const first = await h.accepted(jws);
      const withdraw = h.envelope("consent-withdraw-ok", {
        case: create.case,
        referral: create.referral,
        sequence: 2,
        body: {
          ...h.envelope("consent-withdraw-ok").body,
          consentId: (create.body.consent as { consentId: string }).consentId,
        },
      });
      await h.accepted(h.sign(withdraw));
      const again = await h.submit(jws);
      check(
        again.status >= 200 && again.status < 300,
        `the retransmission was refused: HTTP ${again.status} ${again.text.slice(0, 300)}`,
      );
      same(
        again.json<{ receipt?: string }>().receipt,
        first.receiptJws,
        "the retransmission's receipt",
      );
    },
    { covers: ["FRX-RCPT-003"] },
  ),
];
