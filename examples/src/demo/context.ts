import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isFrxClientError, type FrxClient, type InboxMessage, type ReferralRef } from "@frx/sdk";
import type { LocalFederation } from "../federation/local-federation.js";
import { receive, receiveWhere } from "./delivery.js";
import type { Timeline } from "./timeline.js";

const specDir = dirname(createRequire(import.meta.url).resolve("@frx/spec/package.json"));

/** The body of the spec's fixture for `type`: realistic content written around this very case. */
export function fixtureBody<T = Record<string, unknown>>(type: string): T {
  return (
    JSON.parse(readFileSync(join(specDir, "fixtures", "messages", `${type}-ok.json`), "utf8")) as {
      body: T;
    }
  ).body;
}

/** A fixture's purpose, legal basis, tier and body, for a message of the same kind in the demo. */
export function fixtureEnvelope(type: string): {
  purpose: string;
  legalBasis: { code: string; reference?: string };
  tier: string;
  body: Record<string, unknown>;
} {
  const f = JSON.parse(
    readFileSync(join(specDir, "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as ReturnType<typeof fixtureEnvelope>;
  return { purpose: f.purpose, legalBasis: f.legalBasis, tier: f.tier, body: f.body };
}

export interface Scene {
  fed: LocalFederation;
  tl: Timeline;
  /** The case every step belongs to, opened by the Thai labour inspectorate. */
  caseId: string;
  as(participant: string): FrxClient;
  /** Sends through the SDK and prints the line; returns the message id. */
  send(
    from: string,
    type: Parameters<FrxClient["send"]>[0],
    input: Record<string, unknown>,
  ): Promise<string>;
  /** Waits until each recipient has it in its inbox, verified, and prints that. */
  arrives(messageId: string, recipients: string[], from: string, type: string): Promise<void>;
  /**
   * Waits (bounded) for a node's notice of `type` in `who`'s inbox that `match` accepts, and
   * prints it; null if none came in time.
   */
  notice(
    who: string,
    type: string,
    match: (m: InboxMessage) => boolean,
    timeoutMs: number,
  ): Promise<InboxMessage | null>;
  /** Referral threads later chapters continue, by name (e.g. "shelter"). */
  refs: Map<string, ReferralRef>;
}

export function scene(fed: LocalFederation, tl: Timeline, caseId: string): Scene {
  const s: Scene = {
    fed,
    tl,
    caseId,
    as: (p) => fed.client(p),
    async send(from, type, input) {
      const to = (
        input.to as Array<{ participant?: string; node?: string; role?: string; power?: string }>
      ).map((a) => a.participant ?? `${a.node}:<${a.power ?? a.role}>`);
      try {
        const r = await fed.client(from).send(type, input as never);
        const domestic = r.deliveredTo.length > 0 ? `delivered ${r.deliveredTo.join(", ")}` : "";
        const abroad = to.some((t) => !t.startsWith(from.slice(0, 2))) ? "queued abroad" : "";
        s.tl.sent(
          from,
          to,
          type,
          `✓ receipt ${r.receipt.node} verified${[domestic, abroad]
            .filter(Boolean)
            .map((x) => " · " + x)
            .join("")}`,
        );
        return r.messageId;
      } catch (error) {
        if (isFrxClientError(error))
          s.tl.refused(
            from,
            to,
            type,
            error.code,
            error.violations.map((v) => v.pointer),
          );
        throw error;
      }
    },
    async arrives(messageId, recipients, from, type) {
      for (const who of recipients) {
        await receive(who, fed.client(who), messageId);
        s.tl.received(who, type, from);
      }
    },
    async notice(who, type, match, timeoutMs) {
      const m = await receiveWhere(
        who,
        fed.client(who),
        (i) => i.message.type === type && match(i),
        timeoutMs,
      );
      if (m) s.tl.notice(who, type, m.message.from, describe(m));
      return m;
    },
    refs: new Map(),
  };
  return s;
}

/** What a node's notice says, in a few words. */
function describe(m: InboxMessage): string {
  const b = m.message.body as Record<string, unknown>;
  if (m.message.type === "delivery.failed")
    return `${String(b.messageId).slice(0, 10)}… ${String(b.reason)} (${String(b.errorCode ?? "")})`;
  const to = (b.escalatedTo as Array<{ participant?: string }> | undefined)
    ?.map((a) => a.participant)
    .join(", ");
  const instalment = b.instalment ? ` · instalment ${String(b.instalment)}` : "";
  return `${String(b.deadline)} due ${String(b.dueAt)}${instalment}${b.level ? ` · level ${String(b.level)}` : ""}${to ? ` · escalated to ${to}` : ""}`;
}

/** Polls `check` every 100 ms until it returns a value, for at most `timeoutMs`, else fails naming `what`. */
export async function until<T>(
  check: () => Promise<T | null>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
