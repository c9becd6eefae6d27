import {
  assertSignature,
  canonicalize,
  FrxError,
  importPublicKey,
  parseCanonicalObject,
  parseCompact,
  signCompact,
  validateDocument,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import type { CaseRecord } from "../store/records.js";
import { erase, type ErasureRecord } from "./erase.js";
import { listHolds } from "./holds.js";

/** What a node tells the other parties' nodes after erasing on request (FRX-DP-010). */
export type ErasureNotice = Types.ErasureNotice;

const NOTICE_SCHEMA = "documents/erasure-notice.json";

/**
 * The signed notice of an erasure on request, and the nodes to send it to: every other node
 * with an agency among the parties of a case it names.
 */
export async function erasureNotice(
  ctx: AppContext,
  record: ErasureRecord,
): Promise<{ notice: string; nodes: string[] } | null> {
  if (record.reason !== "request" || record.messages.length === 0) return null;
  const byCase = new Map<string, string[]>();
  const nodes = new Set<string>();
  for (const id of record.messages) {
    const m = await ctx.store.get<{ case?: string }>("messages", id);
    if (!m?.case) continue;
    byCase.set(m.case, [...(byCase.get(m.case) ?? []), id]);
  }
  for (const caseId of byCase.keys()) {
    const c = await ctx.store.get<CaseRecord>("cases", caseId);
    for (const p of c?.parties ?? []) {
      const node = p.split(":")[0]!;
      if (node !== ctx.config.node) nodes.add(node);
    }
  }
  if (byCase.size === 0) return null;
  const notice = validateDocument<ErasureNotice>(NOTICE_SCHEMA, {
    frx: "1",
    kind: "erasure-notice",
    erasure: record.id,
    origin: ctx.config.node,
    at: record.at,
    reason: record.note,
    cases: [...byCase].map(([c, messages]) => ({ case: c, messages })),
  });
  return {
    notice: signCompact(
      new TextEncoder().encode(canonicalize(notice)),
      "frx-erasure-notice+jws",
      ctx.signer,
    ),
    nodes: [...nodes].sort(),
  };
}

/** The notice's signature by a key the trust list in force gives its origin node, and the notice. */
function verifyNotice(ctx: AppContext, jws: string): ErasureNotice {
  let parsed: ReturnType<typeof parseCompact>;
  let notice: ErasureNotice;
  try {
    parsed = parseCompact(jws, "frx-erasure-notice+jws");
    notice = validateDocument<ErasureNotice>(NOTICE_SCHEMA, parseCanonicalObject(parsed.payload));
  } catch (error) {
    throw new FrxError("request.malformed", `not an erasure notice: ${(error as Error).message}`);
  }
  const member = ctx.trust.member(notice.origin);
  const key = member?.signingKeys.find((k) => k.jwk.kid === parsed.header.kid);
  if (!member || !key)
    throw new FrxError(
      "jws.kid-unknown",
      `no key ${parsed.header.kid} of node ${notice.origin} in the trust list in force`,
    );
  assertSignature(parsed, importPublicKey(key.jwk));
  if (member.status !== "active")
    throw new FrxError(
      "trust.member-suspended",
      `node ${notice.origin} is ${member.status} in the trust list in force: its erasure notices are refused (FRX-DP-017)`,
    );
  return notice;
}

/**
 * Acts on an erasure notice (FRX-DP-011): only from a node with an agency among the case's
 * parties here, and only for messages of that case; cases under a legal hold are kept.
 */
export async function applyErasureNotice(ctx: AppContext, jws: string): Promise<ErasureRecord> {
  const notice = verifyNotice(ctx, jws);
  if (notice.origin === ctx.config.node)
    throw new FrxError("dp.not-party", "a node does not take erasure notices from itself");
  const allowed = new Set<string>();
  for (const { case: caseId, messages } of notice.cases) {
    const c = await ctx.store.get<CaseRecord>("cases", caseId);
    if (!c || !c.parties.some((p) => p.startsWith(`${notice.origin}:`)))
      throw new FrxError(
        "dp.not-party",
        `node ${notice.origin} has no party in case ${caseId} here`,
      );
    for (const id of messages) {
      const m = await ctx.store.get<{ case?: string }>("messages", id);
      if (m && m.case !== caseId)
        throw new FrxError("dp.not-party", `message ${id} is not of case ${caseId} here`);
      if (m) allowed.add(id);
    }
  }
  const held = new Set((await listHolds(ctx)).map((h) => h.case));
  const heldCases = notice.cases.map((c) => c.case).filter((c) => held.has(c));
  return erase(ctx, {
    reason: "notice",
    by: `node ${notice.origin}`,
    note: `erasure notice ${notice.erasure} from ${notice.origin}: ${String(notice.reason).slice(0, 400)}`,
    heldCases,
    choose: (m) =>
      allowed.has(m.record.id) && !(m.record.case !== undefined && held.has(m.record.case)),
  });
}
