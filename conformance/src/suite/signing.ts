import {
  MessageType,
  canonicalize,
  generateSigningKey,
  signEnvelope,
  createSigner,
} from "@frx/spec";
import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { envelopeHeader, rawJws } from "../harness/raw.js";
import { section } from "./define.js";

const t = section("signing", "core");
const notify = (h: Harness, o: Record<string, unknown> = {}) => h.envelope("case-notify-ok", o);
const hour = 3_600_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Re-signs `jws` with its payload swapped, keeping header and signature (a tampered payload). */
function swapPayload(jws: string, payload: object): string {
  const [hd, , sig] = jws.split(".");
  return `${hd}.${Buffer.from(canonicalize(payload)).toString("base64url")}.${sig}`;
}

export const signingTests = [
  t("FRX-SIG-008", async (h) => {
    const good = h.sign(notify(h));
    const [hd, p, s] = good.split(".") as [string, string, string];
    for (const bad of [
      `${hd}.${p}`,
      `${good}.${s}`,
      `.${p}.${s}`,
      `${hd}.${p}.`,
      `${hd}=.${p}.${s}`,
    ])
      await h.refused(bad, "jws.malformed");
  }),

  t("FRX-SIG-009", async (h) => {
    const key = h.key("LI");
    const payload = canonicalize(notify(h));
    await h.refused(rawJws("{not json", payload, key), "jws.header-invalid");
    await h.refused(rawJws("[1,2]", payload, key), "jws.header-invalid");
    const jwk = { kty: "OKP", crv: "Ed25519", x: createSigner(key).kid };
    await h.refused(rawJws(envelopeHeader(key, { jwk }), payload, key), "jws.header-invalid");
    await h.refused(
      rawJws(envelopeHeader(key, { crit: ["exp"] }), payload, key),
      "jws.header-invalid",
    );
    await h.refused(
      rawJws({ alg: "Ed25519", typ: "frx-envelope+jws" }, payload, key),
      "jws.header-invalid",
    );
  }),

  t("FRX-SIG-010", async (h) => {
    const key = h.key("LI");
    const payload = canonicalize(notify(h));
    await h.refused(
      rawJws(envelopeHeader(key, { alg: "EdDSA" }), payload, key),
      "jws.alg-unsupported",
    );
    await h.refused(
      rawJws(envelopeHeader(key, { alg: "none" }), payload, key),
      "jws.alg-unsupported",
    );
  }),

  t("FRX-SIG-011", async (h) => {
    const key = h.key("LI");
    const payload = canonicalize(notify(h));
    await h.refused(rawJws(envelopeHeader(key, { typ: "JWT" }), payload, key), "jws.typ-invalid");
    await h.refused(
      rawJws(envelopeHeader(key, { typ: "frx-receipt+jws" }), payload, key),
      "jws.typ-invalid",
    );
  }),

  t("FRX-SIG-012", async (h) => {
    const stranger = createSigner(generateSigningKey().privateJwk);
    await h.refused(signEnvelope(notify(h), stranger), "jws.kid-unknown");
  }),

  t("FRX-SIG-013", async (h) => {
    const env = notify(h);
    await h.refused(
      swapPayload(h.sign(env), { ...env, purpose: "labour_inspection" }),
      "jws.signature-invalid",
    );
    const [hd, p, s] = h.sign(notify(h)).split(".") as [string, string, string];
    const short = Buffer.from(s, "base64url").subarray(0, 63).toString("base64url");
    await h.refused(`${hd}.${p}.${short}`, "jws.signature-invalid");
  }),

  t("FRX-SIG-014", async (h) => {
    // Signed with the labour inspectorate's key, claiming to come from victim services.
    const env = h.envelope("case-notify-ok", {
      from: h.id("VS"),
      to: [{ participant: h.id("LI") }],
    });
    await h.refused(h.sign(env, h.key("LI")), "envelope.signer-mismatch");
  }),

  t("FRX-SIG-016", async (h) => {
    await h.refused(
      h.sign(notify(h, { sentAt: iso(-3 * hour), expiresAt: iso(-hour) })),
      "envelope.expired",
    );
  }),

  t("FRX-SIG-017", async (h) => {
    await h.refused(
      h.sign(notify(h, { sentAt: iso(hour), expiresAt: iso(2 * hour) })),
      "envelope.not-yet-valid",
    );
  }),

  t(
    "FRX-SIG-007",
    async (h) => {
      const li = h.key("LI");
      const stranger = generateSigningKey().privateJwk;
      const invalid = () => notify(h, { body: { openedAt: new Date().toISOString() } });
      // typ (step 5) before kid (10); canonical form (9) before kid (10).
      await h.refused(
        rawJws(envelopeHeader(stranger, { typ: "JWT" }), canonicalize(notify(h)), stranger),
        "jws.typ-invalid",
      );
      await h.refused(
        rawJws(envelopeHeader(stranger), JSON.stringify(notify(h), null, 1), stranger),
        "envelope.non-canonical",
      );
      // kid (10) before schema (14); signature (11) before expiry (16).
      await h.refused(signEnvelope(invalid(), createSigner(stranger)), "jws.kid-unknown");
      const old = notify(h, { sentAt: iso(-3 * hour), expiresAt: iso(-hour) });
      await h.refused(
        swapPayload(h.sign(old), { ...old, purpose: "labour_inspection" }),
        "jws.signature-invalid",
      );
      // signer (12) before schema (14); schema (14) before expiry (16).
      await h.refused(
        rawJws(envelopeHeader(li), canonicalize({ ...invalid(), from: h.id("VS") }), li),
        "envelope.signer-mismatch",
      );
      await h.refused(
        h.sign({ ...invalid(), sentAt: iso(-3 * hour), expiresAt: iso(-hour) }),
        "schema.invalid",
      );
    },
    { covers: ["FRX-ENV-021"] },
  ),

  t("FRX-JCS-002", async (h) => {
    const key = h.key("LI");
    await h.refused(
      rawJws(envelopeHeader(key), "not json at all", key),
      "envelope.payload-not-json",
    );
    await h.refused(rawJws(envelopeHeader(key), "[1,2,3]", key), "envelope.payload-not-json");
    await h.refused(
      rawJws(envelopeHeader(key), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), key),
      "envelope.payload-not-json",
    );
  }),

  t("FRX-JCS-003", async (h) => {
    const key = h.key("LI");
    const text = canonicalize(notify(h));
    await h.refused(
      rawJws(envelopeHeader(key), JSON.stringify(JSON.parse(text), null, 2), key),
      "envelope.non-canonical",
    );
    const reordered = `{"type":${JSON.stringify(MessageType.CaseNotify)},${text.slice(1).replace(/,?"type":"case\.notify"/, "")}`;
    check(reordered !== text, "the reordered payload must differ");
    await h.refused(rawJws(envelopeHeader(key), reordered, key), "envelope.non-canonical");
  }),
];
