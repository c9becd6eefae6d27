import {
  checkRegistryAnswer,
  isFrxError,
  type ErrorCode,
  type RegistryDocument,
  type RegistryQuery,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { MAX_DOCUMENT_BYTES } from "./bounds.js";
import type { NodeDocuments } from "./documents.js";
import type { Http } from "./http.js";
import type { CallOptions, ResolvedOptions } from "./options.js";
import { checkDocument, invalid } from "./signed-document.js";

/** One member's part of a lookup, as the SDK verified it. */
export type RegistryLookupResult =
  | {
      node: string;
      status: "answered";
      /** What the member signed (never the node's unsigned copy). */
      registry: RegistryDocument;
      /** The member's JWS, for showing a third party what it published. */
      jws: string;
    }
  | { node: string; status: "unreachable" | "refused"; code: ErrorCode; detail: string };

export interface RegistryLookup {
  query: RegistryQuery;
  askedAt: string;
  /** One per member of the trust list, the agency's own node first (FRX-REG-004). */
  results: RegistryLookupResult[];
}

/**
 * GET /v1/registry/lookup: asks the federation whether a legal entity (business registration
 * number and the country that registered it) is in any member's sanctions registry. Each
 * answered result is verified here against the member's keys in the trust list the node
 * serves (FRX-REG-008); one that does not verify becomes `refused` with the code of the check
 * it failed. A node that leaves a member of its trust list out is `client.response-invalid`.
 *
 * @example const { results } = await lookupRegistry(http, docs, o, { registrationNumber: "0105559087712", issuer: "TH" })
 */
export async function lookupRegistry(
  http: Http,
  docs: NodeDocuments,
  o: Pick<ResolvedOptions, "node">,
  query: RegistryQuery,
  call: CallOptions = {},
): Promise<RegistryLookup> {
  const params = new URLSearchParams({
    registrationNumber: query.registrationNumber,
    issuer: query.issuer,
  });
  const reply = checkDocument<RegistryLookup>(
    "api/registry-lookup.json",
    await http.json<unknown>({
      method: "GET",
      path: `/v1/registry/lookup?${params.toString()}`,
      auth: true,
      maxBytes: MAX_DOCUMENT_BYTES,
      ...call,
    }),
  );
  if (
    reply.query.registrationNumber !== query.registrationNumber ||
    reply.query.issuer !== query.issuer
  )
    throw invalid("the lookup answers another question");
  const listed = await trustListMembers(http, call);
  // A node that federates with no one answers alone, with the key its metadata publishes.
  const members: Types.TrustListMember[] =
    listed.length > 0
      ? listed
      : [
          {
            node: o.node,
            signingKeys: (await docs.metadata(call)).signingKeys,
          } as unknown as Types.TrustListMember,
        ];
  const missing = members.filter((m) => !reply.results.some((r) => r.node === m.node));
  if (missing.length > 0)
    throw invalid(`the lookup leaves out ${missing.map((m) => m.node).join(", ")}`);
  return {
    ...reply,
    results: reply.results.map((r): RegistryLookupResult => {
      if (r.status !== "answered") return r;
      const member = members.find((m) => m.node === r.node);
      if (!member)
        return {
          node: r.node,
          status: "refused",
          code: "registry.signature-invalid",
          detail: `${r.node} is not in the trust list`,
        };
      try {
        return { ...r, registry: checkRegistryAnswer(r.jws, member, query) };
      } catch (error) {
        if (!isFrxError(error)) throw error;
        return { node: r.node, status: "refused", code: error.code, detail: error.message };
      }
    }),
  };
}

/** The members of the trust list the agency's node serves (GET /v1/trust-list); none without one. */
async function trustListMembers(http: Http, call: CallOptions): Promise<Types.TrustListMember[]> {
  let served: { trustList?: SignedTrustList } | null;
  try {
    served = await http.json<{ trustList?: SignedTrustList } | null>({
      method: "GET",
      path: "/v1/trust-list",
      auth: false,
      maxBytes: MAX_DOCUMENT_BYTES,
      ...call,
    });
  } catch (error) {
    // A node that federates with no one has no list: only its own answer, which it signed.
    if ((error as { code?: string }).code === "request.not-found") return [];
    throw error;
  }
  if (typeof served?.trustList?.payload !== "string")
    throw invalid("the node's trust list is malformed");
  return checkDocument<Types.TrustList>(
    "documents/trust-list.json",
    JSON.parse(Buffer.from(served.trustList.payload, "base64url").toString("utf8")),
  ).members;
}

/** The sanction kinds that bar a legal entity from hiring migrant workers or from recruiting. */
export const RESTRICTION_KINDS = [
  "EMPLOYER_MIGRANT_HIRING_BAN",
  "LICENCE_SUSPENSION",
  "LICENCE_REVOCATION",
] as const;

/**
 * The hiring bans and licence sanctions in a lookup that are in force on `today` (a date,
 * YYYY-MM-DD, on the caller's calendar): from answered members only, not lifted, decided
 * (`imposed`, `appealed` or `final`, so neither merely proposed nor withdrawn), and within
 * `effectiveFrom`..`until` where given. A member that did not answer is not "no ban": read
 * `lookup.results` for those.
 *
 * @example const bans = restrictionsInForce(await client.registryLookup(q), "2026-03-02")
 */
export function restrictionsInForce(
  lookup: RegistryLookup,
  today: string,
): Array<{ node: string; entry: RegistryDocument["entries"][number] }> {
  const out: Array<{ node: string; entry: RegistryDocument["entries"][number] }> = [];
  for (const r of lookup.results) {
    if (r.status !== "answered") continue;
    for (const entry of r.registry.entries) {
      const d = entry.decision as {
        kind?: string;
        status?: string;
        effectiveFrom?: string;
        until?: string;
      };
      if (entry.status === "lifted") continue;
      if (!(RESTRICTION_KINDS as readonly string[]).includes(String(d.kind))) continue;
      if (!["imposed", "appealed", "final"].includes(String(d.status))) continue;
      if (d.effectiveFrom !== undefined && d.effectiveFrom > today) continue;
      if (d.until !== undefined && d.until < today) continue;
      out.push({ node: r.node, entry });
    }
  }
  return out;
}
