import { signEnvelope } from "../../src/jws/envelope.js";
import { createSigner } from "../../src/jws/keys.js";
import { jwksOf, signerFor, type TestKeys } from "./keys.js";
import { canonicalPayload, envelopeHeader, plus, rawSign } from "./sign.js";

/** A fixture envelope, loosely typed: vectors change fields on purpose. */
export type Envelope = Record<string, unknown> & {
  id: string;
  type: string;
  from: string;
  to: Array<{ participant?: string; node?: string; role?: string }>;
  sentAt: string;
  expiresAt: string;
  body: Record<string, unknown>;
  case?: string;
  referral?: string;
  sequence?: number;
};
export type Fixture = (type: string) => Envelope;
export type Vector = Record<string, unknown> & {
  id: string;
  description: string;
  expect: { valid: boolean; code?: string; pointer?: string; state?: string };
};

/** One valid signed vector per message type, from spec/fixtures/messages/<type>-ok.json. */
export function messageVectors(
  keys: TestKeys,
  fixtures: Map<string, Envelope>,
): Record<string, Vector> {
  const out: Record<string, Vector> = {};
  const jwks = jwksOf(keys);
  for (const [type, envelope] of fixtures) {
    out[`envelope/${type}-ok.json`] = {
      id: `envelope/${type}-ok`,
      description: `A valid ${type} envelope, signed by ${envelope.from}.`,
      jwks,
      jws: signEnvelope(envelope, signerFor(keys, envelope.from)),
      now: plus(envelope.sentAt, 60),
      expect: { valid: true },
    };
  }
  return out;
}

/** One failing vector per verification and validation code, each breaking exactly one rule of `base`. */
export function verificationVectors(keys: TestKeys, base: Envelope): Record<string, Vector> {
  const signer = signerFor(keys, base.from);
  const jwks = jwksOf(keys);
  const now = plus(base.sentAt, 60);
  const good = signEnvelope(base, signer);
  const [h, , s] = good.split(".");
  const other = {
    ...base,
    purpose: base.purpose === "case_coordination" ? "labour_inspection" : "case_coordination",
  };
  const fail = (
    code: string,
    description: string,
    fields: Record<string, unknown>,
  ): [string, Vector] => [
    `envelope/${code}-fail.json`,
    {
      id: `envelope/${code}-fail`,
      description,
      jwks,
      now,
      ...fields,
      expect: { valid: false, code },
    },
  ];
  return Object.fromEntries([
    fail("jws.malformed", "Two parts instead of three.", {
      jws: good.split(".").slice(0, 2).join("."),
    }),
    fail(
      "jws.header-invalid",
      "The header carries `jku`, which would let the object choose its own key.",
      {
        jws: rawSign(
          envelopeHeader(signer, { jku: "https://attacker.example/keys" }),
          canonicalPayload(base),
          signer,
        ),
      },
    ),
    fail(
      "jws.alg-unsupported",
      "The header says EdDSA (RFC 8037's name); FRX requires the fully-specified Ed25519.",
      {
        jws: rawSign(envelopeHeader(signer, { alg: "EdDSA" }), canonicalPayload(base), signer),
      },
    ),
    fail(
      "jws.typ-invalid",
      "A JWT typ: a signed object of another kind must not pass for an envelope.",
      {
        jws: rawSign(envelopeHeader(signer, { typ: "JWT" }), canonicalPayload(base), signer),
      },
    ),
    fail("jws.kid-unknown", "Signed by a key no directory lists.", {
      jws: signEnvelope(base, createSigner(keys.outsider.privateJwk)),
    }),
    fail(
      "jws.signature-invalid",
      "The payload was changed after signing (purpose rewritten); the signature is the original's.",
      {
        jws: `${h}.${Buffer.from(canonicalPayload(other)).toString("base64url")}.${s}`,
      },
    ),
    fail("jws.key-retired", "The sender's key was retired a day before the envelope's sentAt.", {
      jwks: jwksOf(keys, { [base.from]: plus(base.sentAt, -86400) }),
      jws: good,
    }),
    fail(
      "jws.key-revoked",
      "The sender's key was revoked as compromised a day after the envelope's sentAt: a revoked key verifies nothing that arrives after its revocation, whatever time it claims (FRX-ADM-007).",
      { jwks: jwksOf(keys, {}, { [base.from]: plus(base.sentAt, 86400) }), jws: good },
    ),
    fail("envelope.payload-not-json", "The payload is text, not JSON.", {
      jws: rawSign(envelopeHeader(signer), "case notified", signer),
    }),
    fail(
      "envelope.too-deep",
      "The payload nests 33 levels of arrays, one more than FRX-JCS-005 allows; refused before it is parsed.",
      {
        jws: rawSign(envelopeHeader(signer), `{"a":${"[".repeat(32)}${"]".repeat(32)}}`, signer),
      },
    ),
    fail(
      "envelope.non-canonical",
      "The payload is JSON with indentation: valid JSON, not RFC 8785 canonical.",
      {
        jws: rawSign(envelopeHeader(signer), JSON.stringify(base, null, 1), signer),
      },
    ),
    fail(
      "envelope.signer-mismatch",
      "Signed with a key registered for another participant than `from`.",
      {
        jws: signEnvelope(base, signerFor(keys, base.from === "LA:DOSM" ? "TH:DOE" : "LA:DOSM")),
      },
    ),
    fail("envelope.expired", "Checked an hour after expiresAt (beyond the 300 s skew).", {
      jws: good,
      now: plus(base.expiresAt, 3600),
    }),
    fail("envelope.not-yet-valid", "Checked ten minutes before sentAt (beyond the 300 s skew).", {
      jws: good,
      now: plus(base.sentAt, -600),
    }),
    fail(
      "envelope.too-large",
      "Larger than the verifier's limit (set to 512 bytes for this vector).",
      {
        jws: good,
        options: { maxBytes: 512 },
      },
    ),
    fail("schema.unknown-type", "A message type FRX does not define.", {
      jws: signEnvelope({ ...base, type: "immigration.report" }, signer),
    }),
    // Which of two codes a BOM and a duplicated member get (FRX-API-021, FRX-API-022).
    [
      "envelope/bom-fail.json",
      {
        id: "envelope/bom-fail",
        description:
          "The canonical payload preceded by a UTF-8 byte-order mark: JSON text begins with `{`, so the payload is not JSON (envelope.payload-not-json, FRX-API-021), not merely non-canonical.",
        jwks,
        now,
        jws: rawSign(envelopeHeader(signer), `\uFEFF${canonicalPayload(base)}`, signer),
        expect: { valid: false, code: "envelope.payload-not-json" },
      },
    ],
    [
      "envelope/duplicate-member-fail.json",
      {
        id: "envelope/duplicate-member-fail",
        description:
          "The canonical payload with its first member written twice, same name and value: it parses, but its bytes are not the canonical form of what it parses to (envelope.non-canonical, FRX-API-022).",
        jwks,
        now,
        jws: rawSign(envelopeHeader(signer), duplicateFirstMember(base), signer),
        expect: { valid: false, code: "envelope.non-canonical" },
      },
    ],
    [
      "envelope/signature-respelled-fail.json",
      {
        id: "envelope/signature-respelled-fail",
        description:
          "The genuine signature with the spare low bits of its last base64url character set: the same 64 bytes, another spelling and digest (FRX-SIG-027).",
        jwks,
        now,
        jws: `${h}.${good.split(".")[1]}.${respell(s!)}`,
        expect: { valid: false, code: "jws.malformed" },
      },
    ],
    [
      "envelope/leap-second-fail.json",
      {
        id: "envelope/leap-second-fail",
        description:
          "sentAt is a leap second (…T23:59:60Z), which FRX refuses rather than normalises (FRX-ENV-031).",
        jwks,
        now,
        jws: signEnvelope({ ...base, sentAt: base.sentAt.replace(/:[0-9]{2}Z$/, ":60Z") }, signer),
        expect: { valid: false, code: "schema.invalid", pointer: "/sentAt" },
      },
    ],
    [
      "envelope/node-notice-from-agency-fail.json",
      {
        id: "envelope/node-notice-from-agency-fail",
        description:
          "A deadline notice signed and sent by an agency: only a node sends deadline.* and delivery.failed (x-frx-sender: node).",
        jwks,
        now,
        jws: signEnvelope(
          {
            ...base,
            type: "deadline.reminder",
            referral: "01KJPWGVT00H3GW7D0FZQ4NZAS",
            body: { deadline: "acknowledge", dueAt: base.expiresAt },
          },
          signer,
        ),
        expect: { valid: false, code: "state.actor-forbidden" },
      },
    ],
    fail(
      "schema.invalid",
      "An envelope member the schema does not define (closed objects: unannotated data cannot pass the firewall).",
      {
        jws: signEnvelope({ ...base, nationalityCheck: "requested" }, signer),
      },
    ),
  ]);
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The same bytes spelled with a spare low bit of the last character set. */
function respell(part: string): string {
  return part.slice(0, -1) + B64URL[B64URL.indexOf(part.at(-1)!) | 1]!;
}

/** The canonical form of `value` with its first member repeated: `{"a":1,"a":1,...}`. */
function duplicateFirstMember(value: Record<string, unknown>): string {
  const canonical = canonicalPayload(value);
  const first = Object.keys(value).sort()[0]!;
  const member = `${JSON.stringify(first)}:${canonicalPayload(value[first])},`;
  if (!canonical.startsWith(`{${member}`))
    throw new Error("the first member is not where JCS puts it");
  return `{${member}${canonical.slice(1)}`;
}
