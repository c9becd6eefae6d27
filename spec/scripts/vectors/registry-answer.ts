import { canonicalize } from "../../src/codec/canonical-json.js";
import { signCompact } from "../../src/jws/compact.js";
import type { Envelope, Fixture, Vector } from "./envelope.js";
import { signerFor, type TestKeys } from "./keys.js";
import { testTrustList } from "./trust.js";

const encoder = new TextEncoder();

/**
 * Registry lookup vectors (FRX-REG-005 to FRX-REG-007): the trust-list entry of the member
 * asked, the query, the member's signed answer, and the verdict of checking it
 * (checkRegistryAnswer). Each failing vector changes one thing in the valid one.
 */
export function registryAnswerVectors(keys: TestKeys, fixture: Fixture): Record<string, Vector> {
  const out: Record<string, Vector> = {};
  const member = testTrustList(keys).members.find((m) => m.node === "LA")!;
  const query = { registrationNumber: "0105559087712", issuer: "TH" };
  const base = (fixture("registry.entry") as Envelope).body;
  const entry = (authority = "LA:DOSM", registrationNumber = query.registrationNumber) => ({
    ...base,
    entity: {
      recruitmentAgency: {
        ...(base.entity as { recruitmentAgency: object }).recruitmentAgency,
        registrationNumber,
      },
    },
    decision: { ...(base.decision as object), authority },
  });
  const doc = (changes: Record<string, unknown> = {}) => ({
    frx: "1",
    node: "LA",
    issuedAt: "2026-03-02T09:45:00Z",
    query,
    entries: [entry()],
    ...changes,
  });
  const add = (name: string, description: string, jws: string, expect: Vector["expect"]) => {
    out[`registry-answer/${name}.json`] = {
      id: `registry-answer/${name}`,
      description,
      member,
      query,
      jws,
      expect,
    };
  };
  const signed = (d: object, by = "LA", typ = "frx-registry+jws" as const) =>
    signCompact(encoder.encode(canonicalize(d)), typ, signerFor(keys, by));

  add(
    "ok",
    "LA's signed answer: its regulator's licence suspension of a Thai-registered agency.",
    signed(doc()),
    { valid: true },
  );
  add(
    "foreign-entry-fail",
    "LA's answer lists a decision of a Cambodian authority.",
    signed(doc({ entries: [entry(), entry("KH:MOLVT")] })),
    { valid: false, code: "registry.foreign-entry" },
  );
  add(
    "other-query-fail",
    "LA's signed answer to another question, passed off as the answer to this one.",
    signed(doc({ query: { ...query, issuer: "LA" } })),
    { valid: false, code: "registry.query-mismatch" },
  );
  add(
    "stray-entry-fail",
    "LA's answer lists an entry about another legal entity.",
    signed(doc({ entries: [entry("LA:DOSM", "0105559000000")] })),
    { valid: false, code: "registry.query-mismatch" },
  );
  add("wrong-key-fail", "An answer for LA signed with TH's node key.", signed(doc(), "TH"), {
    valid: false,
    code: "registry.signature-invalid",
  });
  add(
    "other-node-fail",
    "KH's own registry, signed by KH, returned as LA's answer.",
    signed(doc({ node: "KH", entries: [] }), "KH"),
    { valid: false, code: "registry.signature-invalid" },
  );
  add(
    "wrong-typ-fail",
    "LA's answer signed as a directory, not a registry.",
    signed(doc(), "LA", "frx-directory+jws" as never),
    { valid: false, code: "registry.answer-invalid" },
  );
  return out;
}
