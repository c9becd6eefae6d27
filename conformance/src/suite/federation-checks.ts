import { canonicalize, createSigner, signCompact, parseInstant } from "@frx/spec";
import { check } from "../harness/check.js";
import { ulid } from "../harness/ulid.js";
import { generateNodeKeyPair } from "../kit/trust.js";
import { section } from "./define.js";
import { peerEnvelope, reply, sendAsPeer, sendWake } from "./federation-support.js";

const t = section("federation/inbound", "federation");
const swapPayload = (jws: string, payload: object) => {
  const [h, , s] = jws.split(".");
  return `${h}.${Buffer.from(canonicalize(payload)).toString("base64url")}.${s}`;
};

/** The transaction checks of federation.md, each refusing the whole transaction. */
export const transactionCheckTests = [
  t("FRX-FED-018", async (h) => {
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], tamper: true })).http,
      "federation.undecryptable",
    );
  }),

  t(
    "FRX-FED-020",
    async (h) => {
      const outsider = generateNodeKeyPair().signing;
      h.problem(
        (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], signer: outsider })).http,
        "trust.member-unknown",
      );
    },
    { covers: ["FRX-SIG-004"] },
  ),

  t("FRX-FED-021", async (h) => {
    const xb = h.kit.manifest.peer.suspended;
    const o = {
      envelopes: [peerEnvelope(h)],
      signer: h.kit.secrets.nodes[xb]!.signing,
      origin: xb,
    };
    h.problem((await sendAsPeer(h, o)).http, "trust.member-suspended");
  }),

  t("FRX-FED-065", async (h) => {
    // The transaction is the peer's and verifies; only the JWE header's iss is wrong.
    for (const jweIss of ["XZ", h.node.id, null])
      h.problem(
        (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], jweIss })).http,
        "trust.member-unknown",
      );
  }),

  t("FRX-FED-066", async (h) => {
    // Signed by XB as origin, sealed with iss XA: step 8 refuses it before step 9 would see
    // that XB is suspended, so a node that skips the comparison answers member-suspended.
    const xb = h.kit.manifest.peer.suspended;
    const o = {
      envelopes: [peerEnvelope(h)],
      signer: h.kit.secrets.nodes[xb]!.signing,
      origin: xb,
      jweIss: h.peer.node,
    };
    h.problem((await sendAsPeer(h, o)).http, "trust.member-unknown");
  }),

  t("FRX-FED-024", async (h) => {
    const other = h.node.id === "XC" ? "XD" : "XC";
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], destination: other })).http,
      "federation.not-destination",
    );
  }),

  t("FRX-FED-025", async (h) => {
    // A captured transaction presented under a fresh txnId.
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], pathTxnId: ulid() })).http,
      "federation.transaction-replayed",
    );
  }),

  t("FRX-FED-026", async (h) => {
    const hour = 3_600_000;
    for (const offset of [-hour, hour]) {
      const sentAt = new Date(Date.now() + offset).toISOString();
      h.problem(
        (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], sentAt })).http,
        "federation.transaction-replayed",
      );
    }
  }),

  t("FRX-FED-060", async (h) => {
    // Four minutes ahead is within the 300 s skew; six minutes ahead is not.
    const ahead = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    await reply(h, await sendAsPeer(h, { envelopes: [peerEnvelope(h)], sentAt: ahead(240) }));
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], sentAt: ahead(360) })).http,
      "federation.transaction-replayed",
    );
  }),

  t("FRX-FED-027", async (h) => {
    const first = await sendAsPeer(h, { envelopes: [peerEnvelope(h)] });
    await reply(h, first);
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], txnId: first.txnId })).http,
      "federation.transaction-conflict",
    );
  }),

  t("FRX-FED-063", async (h) => {
    const res = await sendWake(h);
    check(res.status === 200, `the wake was refused: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  }),

  t("FRX-FED-062", async (h) => {
    const other = h.node.id === "XC" ? "XD" : "XC";
    h.problem(await sendWake(h, { signer: generateNodeKeyPair().signing }), "trust.member-unknown");
    h.problem(await sendWake(h, { destination: other }), "federation.not-destination");
  }),

  t("FRX-FED-064", async (h) => {
    h.problem(
      await sendWake(h, { sentAt: new Date(Date.now() - 3_600_000).toISOString() }),
      "federation.transaction-replayed",
    );
  }),
  t("FRX-FED-019", async (h) => {
    const key = h.kit.secrets.nodes[h.peer.node]!.signing;
    // The plaintext is a JWS of another type: an envelope is not a transaction.
    const asEnvelope = (jws: string) =>
      signCompact(
        Buffer.from(jws.split(".")[1]!, "base64url"),
        "frx-envelope+jws",
        createSigner(key),
      );
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], rewrite: asEnvelope })).http,
      "jws.typ-invalid",
    );
  }),

  t(
    "FRX-FED-022",
    async (h) => {
      // Signed before the peer's key was valid: the key check (step 10) comes before the
      // freshness check (step 14), so the code is jws.key-retired, not a replay.
      const notBefore = parseInstant(
        h.trust.members.find((m) => m.node === h.peer.node)!.signingKeys[0]!.notBefore,
      );
      const sentAt = new Date(notBefore - 86_400_000).toISOString();
      h.problem(
        (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], sentAt })).http,
        "jws.key-retired",
      );
    },
    { covers: ["FRX-FED-017", "FRX-TRUST-022"] },
  ),

  t("FRX-FED-023", async (h) => {
    const tampered = (jws: string) => {
      const txn = JSON.parse(
        Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8"),
      ) as Record<string, unknown>;
      return swapPayload(jws, { ...txn, sentAt: new Date(Date.now() - 1_000).toISOString() });
    };
    h.problem(
      (await sendAsPeer(h, { envelopes: [peerEnvelope(h)], rewrite: tampered })).http,
      "jws.signature-invalid",
    );
  }),
];
