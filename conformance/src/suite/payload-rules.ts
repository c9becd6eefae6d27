import { canonicalize } from "@frx/spec";
import { check } from "../harness/check.js";
import { envelopeHeader, rawJws } from "../harness/raw.js";
import { section } from "./define.js";

/** The rules agency-api.md fixes that a client would otherwise guess (payload bytes, formats, consent time). */
const t = section("agency-api/payload-rules", "core");
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

export const payloadRuleTests = [
  t("FRX-JCS-004", async (h) => {
    // The payload must be canonical (step 9), so only the header can show a re-serialization:
    // spaces and another member order, signed as written, verify over the bytes as received.
    const key = h.key("LI");
    const { kid } = envelopeHeader(key) as { kid: string };
    const header = `{ "typ": "frx-envelope+jws",  "kid": ${JSON.stringify(kid)}, "alg": "Ed25519" }`;
    await h.accepted(rawJws(header, canonicalize(h.envelope("case-notify-ok")), key));
  }),

  t("FRX-API-021", async (h) => {
    const key = h.key("LI");
    const text = canonicalize(h.envelope("case-notify-ok"));
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    await h.refused(rawJws(envelopeHeader(key), bom, key), "envelope.payload-not-json");
  }),

  t("FRX-API-022", async (h) => {
    const key = h.key("LI");
    const env = h.envelope("case-notify-ok");
    const text = canonicalize(env);
    // "frx":"1" written twice, next to itself: it parses to the same object, the bytes are not
    // its canonical form.
    check(text.includes('"frx":"1"'), `no "frx":"1" in ${text.slice(0, 80)}`);
    await h.refused(
      rawJws(envelopeHeader(key), text.replace('"frx":"1"', '"frx":"1","frx":"1"'), key),
      "envelope.non-canonical",
    );
  }),

  t("FRX-API-023", async (h) => {
    // Values the schemas' patterns let through and only `format` refuses.
    for (const decidedOn of ["2026-02-30", "2026-13-01", "20260101"]) {
      const e = h.envelope("sanction-notify-public-ok");
      (e.body as Record<string, unknown>).decidedOn = decidedOn;
      await h.refused(h.sign(e), "schema.invalid");
    }
    const record = h.envelope("consent-record-ok");
    (record.body as { consent: Record<string, unknown> }).consent.obtainedAt =
      "2026-02-30T10:00:00Z";
    await h.refused(h.sign(record), "schema.invalid");
  }),

  t("FRX-API-024", async (h) => {
    // A consent that expired a minute ago, judged at a sentAt two minutes ago: still valid.
    const withConsent = (expiresAt: string, sentAt: string) => {
      const e = h.envelope("policy-consent-expired-fail", { sentAt });
      (e.body as { consent: Record<string, unknown> }).consent.expiresAt = expiresAt;
      return h.sign(e);
    };
    await h.accepted(withConsent(iso(-60_000), iso(-120_000)));
    // A consent valid for another minute by the clock, expired at a sentAt two minutes ahead.
    await h.refused(withConsent(iso(60_000), iso(120_000)), "policy.consent-missing");
  }),
];
