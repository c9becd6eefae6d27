import { canonicalize, signCompact } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { TimelineEntry } from "../store/records.js";
import { listErasures } from "./erase.js";
import { namesPerson, personEntries, type PersonEntry } from "./person.js";
import { openedMessages } from "./scan.js";

/** One message in a subject-access export: provenance, and the person's own entries only. */
export interface AccessItem {
  messageId: string;
  type: string;
  case?: string;
  referral?: string;
  /** The agency that signed it, and the node it came from. */
  from: string;
  originNode: string;
  /** Whom it was addressed to, delivered to here, and the peer nodes it was sent on to. */
  to: unknown[];
  deliveredTo: string[];
  sentOnTo: string[];
  sentAt?: string;
  storedAt: string;
  purpose?: string;
  legalBasis?: unknown;
  tier?: string;
  entries: PersonEntry[];
  attachments: unknown[];
}

export interface SubjectAccessExport {
  frx: "1";
  kind: "subject-access";
  node: string;
  personRef: string;
  generatedAt: string;
  messages: AccessItem[];
  /** Erasures of this person's content already made here. */
  erasures: Array<{ id: string; at: string; reason: string; messages: string[] }>;
}

async function peersSentTo(ctx: AppContext, caseId: string | undefined, messageId: string) {
  if (!caseId) return [];
  const lines = await ctx.store.range<TimelineEntry>("timeline", {
    gte: `${caseId}!`,
    lt: `${caseId}!~`,
  });
  const peers = new Set<string>();
  for (const [, e] of lines) {
    const m =
      e.messageId === messageId
        ? /^(?:queued for|delivered to) ([A-Z]{2})$/.exec(e.note ?? "")
        : null;
    if (m) peers.add(m[1]!);
  }
  return [...peers].sort();
}

/**
 * Everything this node holds about one person (FRX-DP-012): every stored message whose body
 * names the `personRef`, with where it came from and where it went, and of its body only the
 * person's own entries, so nothing about anyone else is disclosed. Signed by the node.
 */
export async function subjectAccess(
  ctx: AppContext,
  personRef: string,
): Promise<{ document: SubjectAccessExport; jws: string; html: string }> {
  const messages: AccessItem[] = [];
  for await (const m of openedMessages(ctx)) {
    const msg = m.message;
    if (!msg || !namesPerson(msg.body, personRef)) continue;
    const entries = personEntries(msg.body, personRef);
    const r = m.record;
    const attachments = msg.attachments ?? [];
    messages.push({
      messageId: r.id,
      type: r.type,
      ...(r.case ? { case: r.case } : {}),
      ...(r.referral ? { referral: r.referral } : {}),
      from: r.from,
      originNode: r.from.split(":")[0]!,
      to: (msg.to as unknown[] | undefined) ?? [],
      deliveredTo: r.deliveredTo,
      sentOnTo: await peersSentTo(ctx, r.case, r.id),
      ...(typeof msg.sentAt === "string" ? { sentAt: msg.sentAt } : {}),
      storedAt: r.receivedAt,
      ...(typeof msg.purpose === "string" ? { purpose: msg.purpose } : {}),
      ...(msg.legalBasis !== undefined ? { legalBasis: msg.legalBasis } : {}),
      ...(msg.tier ? { tier: msg.tier } : {}),
      entries,
      // The files travel with a message about the person; the export names them, it does not copy them.
      attachments: entries.length > 0 ? attachments : [],
    });
  }
  const erasures = (await listErasures(ctx))
    .filter((e) => e.personRef === personRef)
    .map((e) => ({ id: e.id, at: e.at, reason: e.reason, messages: e.messages }));
  const document: SubjectAccessExport = {
    frx: "1",
    kind: "subject-access",
    node: ctx.config.node,
    personRef,
    generatedAt: ctx.clock.now().toISOString(),
    messages,
    erasures,
  };
  const jws = signCompact(
    new TextEncoder().encode(canonicalize(document)),
    "frx-subject-access+jws",
    ctx.signer,
  );
  return { document, jws, html: renderHtml(document) };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderValue(v: unknown): string {
  if (v === null || typeof v !== "object") return esc(String(v));
  if (Array.isArray(v)) return `<ul>${v.map((x) => `<li>${renderValue(x)}</li>`).join("")}</ul>`;
  return `<dl>${Object.entries(v)
    .map(([k, x]) => `<dt>${esc(k)}</dt><dd>${renderValue(x)}</dd>`)
    .join("")}</dl>`;
}

/** The same export as a readable page, for the person and whoever helps them read it. */
export function renderHtml(d: SubjectAccessExport): string {
  const rows = d.messages
    .map(
      (m) => `<section><h2>${esc(m.type)} — ${esc(m.storedAt)}</h2>
<p>From <b>${esc(m.from)}</b> (node ${esc(m.originNode)})${m.purpose ? `, for ${esc(m.purpose)}` : ""}${m.tier ? `, tier ${esc(m.tier)}` : ""}.
Delivered here to: ${esc(m.deliveredTo.join(", ") || "none")}. Sent on to nodes: ${esc(m.sentOnTo.join(", ") || "none")}.</p>
${m.case ? `<p>Case ${esc(m.case)}</p>` : ""}
${m.entries.map((e) => `<h3>${esc(e.pointer)}</h3>${renderValue(e.value)}`).join("\n")}
</section>`,
    )
    .join("\n");
  const erased = d.erasures
    .map((e) => `<li>${esc(e.at)}: ${e.messages.length} message(s) erased (${esc(e.reason)})</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>What node ${esc(d.node)} holds about ${esc(d.personRef)}</title></head>
<body><h1>What node ${esc(d.node)} holds about ${esc(d.personRef)}</h1>
<p>Generated ${esc(d.generatedAt)}. ${d.messages.length} message(s) name this person. Each shows who sent it, from which node, to whom it went, and only what it says about this person.</p>
${rows}
${erased ? `<h2>Erased</h2><ul>${erased}</ul>` : ""}
</body></html>
`;
}
