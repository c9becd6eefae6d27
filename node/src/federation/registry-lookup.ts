import {
  checkRegistryAnswer,
  FrxError,
  isFrxError,
  type ErrorCode,
  type RegistryDocument,
  type RegistryQuery,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { signedRegistry } from "../domain/registry-document.js";

/** One member's part of a lookup (api/registry-lookup.json#/$defs/result). */
export type LookupResult =
  | { node: string; status: "answered"; registry: RegistryDocument; jws: string }
  | { node: string; status: "unreachable" | "refused"; code: ErrorCode; detail: string };

/**
 * Asks every member of the list in force about one legal entity (FRX-REG-004 to FRX-REG-007):
 * this node answers from its own registry, the others over `GET {endpoint}/registry`, in
 * parallel, each under the peer client's deadline and size bound (FRX-FED-068). Every answer is
 * checked before it is passed on, and every member is in the result, this node first, so the
 * caller tells "no entry" from "no answer". With no list in force, the node answers alone.
 *
 * @example const { results } = await lookupRegistries(ctx, { registrationNumber, issuer: "TH" })
 */
export async function lookupRegistries(
  ctx: AppContext,
  query: RegistryQuery,
): Promise<{ query: RegistryQuery; askedAt: string; results: LookupResult[] }> {
  const askedAt = ctx.clock.now().toISOString();
  const own = await signedRegistry(ctx, query);
  const self: LookupResult = { node: ctx.config.node, status: "answered", ...own };
  // An expired list fails closed (node.not-ready): its keys vouch for no one any more.
  const trust = ctx.trust.list ? ctx.trust.inForce() : null;
  const members = trust?.list.members.filter((m) => m.node !== ctx.config.node) ?? [];
  const others = await Promise.all(members.map((m) => askMember(ctx, m, query)));
  for (const r of others)
    if (r.status !== "answered")
      ctx.logger.warn("registry.lookup-member-failed", {
        node: r.node,
        status: r.status,
        code: r.code,
        detail: r.detail,
      });
  return { query, askedAt, results: [self, ...others] };
}

async function askMember(
  ctx: AppContext,
  member: Types.TrustListMember,
  query: RegistryQuery,
): Promise<LookupResult> {
  const node = member.node;
  // A suspended member's word counts for nothing in the federation: listed, not asked.
  if (member.status !== "active")
    return {
      node,
      status: "refused",
      code: "trust.member-suspended",
      detail: `${node} is ${member.status} in the list in force`,
    };
  const url = `${member.endpoint}/registry?${new URLSearchParams({
    registrationNumber: query.registrationNumber,
    issuer: query.issuer,
  }).toString()}`;
  let text: string;
  try {
    const res = await ctx.peerClient.call("GET", url);
    if (res.status !== 200)
      return {
        node,
        status: "unreachable",
        code: "federation.peer-unreachable",
        detail: `${node} answered HTTP ${res.status}`,
      };
    text = res.text;
  } catch (error) {
    return {
      node,
      status: "unreachable",
      code: "federation.peer-unreachable",
      detail: (error as Error).message.slice(0, 1000),
    };
  }
  try {
    let jws: unknown;
    try {
      jws = (JSON.parse(text) as { jws?: unknown } | null)?.jws;
    } catch {
      jws = undefined;
    }
    const registry = checkRegistryAnswer(jws, member, query);
    await assertAuthoritiesListed(ctx, node, registry);
    return { node, status: "answered", registry, jws: jws as string };
  } catch (error) {
    if (!isFrxError(error)) throw error;
    return { node, status: "refused", code: error.code, detail: error.message.slice(0, 1000) };
  }
}

/**
 * Every deciding authority of a member's answer is an agency its directory lists, as this node
 * holds it (fetched if none is held, and again, after the cooldown, when it lists none of
 * them): a member does not publish decisions in the name of agencies it does not have
 * (FRX-REG-007). Without the member's directory nothing can be confirmed, and nothing is.
 */
async function assertAuthoritiesListed(
  ctx: AppContext,
  node: string,
  registry: RegistryDocument,
): Promise<void> {
  const authorities = [...new Set(registry.entries.map((e) => String(e.decision.authority)))];
  if (authorities.length === 0) return;
  const unlisted = (d: Types.Directory | undefined) =>
    authorities.filter((a) => !d?.participants.some((p) => p.id === a));
  let missing = unlisted(await ctx.peers.ensure(node));
  if (missing.length > 0)
    missing = unlisted((await ctx.peers.refreshIfDue(node)) ?? (await ctx.peers.get(node)));
  if (missing.length > 0)
    throw new FrxError(
      "registry.foreign-entry",
      `${node}'s answer lists decisions of ${missing.slice(0, 3).join(", ")}, which its directory does not list`,
    );
}
