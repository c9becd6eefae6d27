import type { AgencyName } from "../kit/agencies.js";
import { check, ConformanceFailure } from "./check.js";
import type { Harness } from "./harness.js";

export interface InboxItem {
  cursor: number;
  messageId: string;
  jws: string;
  envelope: Record<string, unknown> & { type: string; from: string; body: Record<string, unknown> };
}

interface InboxPage {
  items?: Array<{ cursor: number; messageId: string; jws?: string }>;
  next?: number;
}

/** One page of an agency's unacknowledged inbox after `after`, long-polling up to `waitMs`. */
export async function inboxPage(
  h: Harness,
  as: AgencyName,
  after: number,
  waitMs = 0,
): Promise<{ items: InboxItem[]; next: number }> {
  const reply = await h.call("GET", `/v1/inbox?after=${after}&limit=500&wait=${waitMs}`, { as });
  check(
    reply.status === 200,
    `GET /v1/inbox as ${h.id(as)} answered ${reply.status}: ${reply.text.slice(0, 200)}`,
  );
  const page = reply.json<InboxPage>();
  check(Array.isArray(page.items), "the inbox reply has no items list");
  const items = page.items.map((i) => {
    check(typeof i.jws === "string", `inbox item ${i.messageId} carries no jws`);
    return {
      cursor: i.cursor,
      messageId: i.messageId,
      jws: i.jws,
      envelope: h.payloadOf(i.jws) as InboxItem["envelope"],
    };
  });
  return { items, next: typeof page.next === "number" ? page.next : after };
}

/**
 * Waits (bounded) until an item matching `match` is in the agency's inbox; long-polls so
 * it returns as soon as the node delivers.
 */
export async function waitForInbox(
  h: Harness,
  as: AgencyName,
  match: (item: InboxItem) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<InboxItem> {
  const deadline = Date.now() + timeoutMs;
  let after = 0;
  for (;;) {
    const left = deadline - Date.now();
    const page = await inboxPage(
      h,
      as,
      after,
      after === 0 ? 0 : Math.max(0, Math.min(left, 2_000)),
    );
    const found = page.items.find(match);
    if (found) return found;
    after = page.next;
    if (Date.now() >= deadline)
      throw new ConformanceFailure(
        `${what} did not reach ${h.id(as)}'s inbox within ${timeoutMs} ms`,
      );
  }
}

/** Every current inbox item of an agency that matches. */
export async function inboxItems(
  h: Harness,
  as: AgencyName,
  match: (item: InboxItem) => boolean,
): Promise<InboxItem[]> {
  const out: InboxItem[] = [];
  let after = 0;
  for (let i = 0; i < 50; i++) {
    const page = await inboxPage(h, as, after);
    out.push(...page.items.filter(match));
    if (page.items.length === 0 || page.next === after) break;
    after = page.next;
  }
  return out;
}

export interface ReferralView {
  referral: string;
  state: string;
  version: number;
}

/** The referral as the node shows it to a party of the case (GET /v1/cases/:case). */
export async function referralView(
  h: Harness,
  as: AgencyName,
  caseId: string,
  referral: string,
): Promise<ReferralView> {
  const reply = await h.call("GET", `/v1/cases/${encodeURIComponent(caseId)}`, { as });
  check(
    reply.status === 200,
    `GET /v1/cases/${caseId} as ${h.id(as)} answered ${reply.status}: ${reply.text.slice(0, 200)}`,
  );
  const view = reply.json<{ referrals?: ReferralView[] }>();
  const r = view.referrals?.find((x) => x.referral === referral);
  check(r, `case ${caseId} shows no referral ${referral}`);
  return r;
}

/** The investigation as the node shows it to a party of the case. */
export async function investigationView(
  h: Harness,
  as: AgencyName,
  caseId: string,
  investigation: string,
): Promise<ReferralView> {
  const reply = await h.call("GET", `/v1/cases/${encodeURIComponent(caseId)}`, { as });
  check(reply.status === 200, `GET /v1/cases/${caseId} as ${h.id(as)} answered ${reply.status}`);
  const view = reply.json<{ investigations?: Array<ReferralView & { investigation: string }> }>();
  const i = view.investigations?.find((x) => x.investigation === investigation);
  check(i, `case ${caseId} shows no investigation ${investigation}`);
  return i;
}

/** Polls until `check` returns a value (bounded), for effects that happen in the background. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= deadline)
      throw new ConformanceFailure(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
