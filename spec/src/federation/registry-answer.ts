import { FrxError } from "../errors.js";
import type { TrustListMember } from "../generated/types.js";
import { assertSignature, parseCompact } from "../jws/compact.js";
import { parseCanonicalObject } from "../jws/envelope.js";
import { validateDocument } from "../validate/validator.js";
import { findKey } from "./trust-list.js";

/** The JWS `typ` of a node's signed registry (FRX-FED-004, FRX-REG-001). */
export const REGISTRY_TYP = "frx-registry+jws";

/** A question about one legal entity (api/registry-query.json). */
export interface RegistryQuery {
  registrationNumber: string;
  issuer: string;
}

/** A node's registry, whole or for a query (api/registry.json). */
export interface RegistryDocument {
  frx: "1";
  node: string;
  issuedAt: string;
  query?: RegistryQuery;
  entries: Array<Record<string, unknown> & { entity: unknown; decision: { authority?: string } }>;
}

/**
 * Reads a registry question from query parameters (FRX-REG-002): none at all is the whole
 * registry (null); otherwise exactly `registrationNumber` and `issuer`, each once, making a
 * document that matches api/registry-query.json. Anything else is `request.malformed`.
 *
 * @example registryQueryOf(new URL(url).searchParams)
 */
export function registryQueryOf(params: URLSearchParams): RegistryQuery | null {
  const names = [...params.keys()];
  if (names.length === 0) return null;
  const unknown = names.filter((n) => n !== "registrationNumber" && n !== "issuer");
  const repeated = ["registrationNumber", "issuer"].filter((n) => params.getAll(n).length > 1);
  if (unknown.length > 0 || repeated.length > 0)
    throw new FrxError(
      "request.malformed",
      `a registry question takes registrationNumber and issuer, each once${unknown.length ? `; not ${unknown.slice(0, 3).join(", ")}` : ""}${repeated.length ? `; repeated: ${repeated.join(", ")}` : ""}`,
    );
  const query: Record<string, string> = {};
  for (const n of names) query[n] = params.get(n)!;
  try {
    return validateDocument<RegistryQuery>("api/registry-query.json", query);
  } catch (error) {
    const violations = error instanceof FrxError ? error.violations : [];
    throw new FrxError(
      "request.malformed",
      `the registry question does not match api/registry-query.json: ${(error as Error).message}`,
      violations,
    );
  }
}

/** Whether a registry entry's legal entity is the one the query names (compared exactly). */
export function entityMatches(entity: unknown, query: RegistryQuery): boolean {
  const e = entity as {
    employer?: { registrationNumber?: string; registrationCountry?: string };
    recruitmentAgency?: { registrationNumber?: string; country?: string };
  };
  if (e.employer)
    return (
      e.employer.registrationNumber === query.registrationNumber &&
      e.employer.registrationCountry === query.issuer
    );
  if (e.recruitmentAgency)
    return (
      e.recruitmentAgency.registrationNumber === query.registrationNumber &&
      e.recruitmentAgency.country === query.issuer
    );
  return false;
}

/**
 * A member's answer to a registry question, checked as FRX-REG-005 to FRX-REG-007 require:
 * the registry document it signed, or a FrxError whose code names the check that failed
 * (`registry.answer-invalid`, `registry.signature-invalid`, `registry.query-mismatch`,
 * `registry.foreign-entry`). Used by the asking node on every answer and by agency systems
 * on what the node passes on (FRX-REG-008).
 *
 * @example const registry = checkRegistryAnswer(jws, member, { registrationNumber, issuer })
 */
export function checkRegistryAnswer(
  jws: unknown,
  member: TrustListMember,
  query: RegistryQuery,
): RegistryDocument {
  const fail = (code: "registry.answer-invalid" | "registry.signature-invalid", why: string) =>
    new FrxError(code, `${member.node}'s registry answer: ${why}`);
  if (typeof jws !== "string") throw fail("registry.answer-invalid", "no registry JWS");
  let doc: RegistryDocument;
  let parsed: ReturnType<typeof parseCompact>;
  try {
    parsed = parseCompact(jws, REGISTRY_TYP);
    doc = validateDocument<RegistryDocument>(
      "api/registry.json",
      parseCanonicalObject(parsed.payload),
    );
  } catch (error) {
    throw fail("registry.answer-invalid", (error as Error).message);
  }
  if (doc.node !== member.node)
    throw fail("registry.signature-invalid", `signed for ${doc.node}, not ${member.node}`);
  const key = findKey([member], parsed.header.kid, doc.issuedAt);
  if (!key)
    throw fail(
      "registry.signature-invalid",
      `kid ${parsed.header.kid} is no signing key the trust list gives ${member.node} at ${doc.issuedAt}`,
    );
  try {
    assertSignature(parsed, key.key);
  } catch {
    throw fail("registry.signature-invalid", "the signature does not verify");
  }
  if (
    doc.query?.registrationNumber !== query.registrationNumber ||
    doc.query.issuer !== query.issuer
  )
    throw new FrxError(
      "registry.query-mismatch",
      `${member.node} answered ${JSON.stringify(doc.query ?? null)}, not ${JSON.stringify(query)}`,
    );
  const stray = doc.entries.findIndex((e) => !entityMatches(e.entity, query));
  if (stray >= 0)
    throw new FrxError(
      "registry.query-mismatch",
      `${member.node}'s entry ${stray} is about another legal entity`,
    );
  const foreign = doc.entries.find(
    (e) => !String(e.decision.authority ?? "").startsWith(`${member.node}:`),
  );
  if (foreign)
    throw new FrxError(
      "registry.foreign-entry",
      `${member.node} lists a decision of ${foreign.decision.authority ?? "an unnamed authority"}: a node publishes its own agencies' decisions only`,
    );
  return doc;
}
