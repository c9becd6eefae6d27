import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { inboxItems, waitForInbox } from "../harness/inbox.js";
import type { AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";

/** The inbox's paging, long-poll, parameters and acknowledgements (spec/agency-api.md). */
const t = section("agency-api/inbox-paging", "core");
const MAX_CURSOR = 9_007_199_254_740_991;

interface Page {
  items: Array<{ cursor: number; messageId: string }>;
  next: number;
}

async function page(h: Harness, as: AgencyName, query: string): Promise<Page> {
  const r = await h.call("GET", `/v1/inbox?${query}`, { as });
  check(r.status === 200, `GET /v1/inbox?${query} answered ${r.status}: ${r.text.slice(0, 200)}`);
  return r.json<Page>();
}

/** Sends `n` case.notify envelopes from LI to `to` and returns their inbox cursors there, in order. */
async function delivered(h: Harness, to: AgencyName, n: number): Promise<number[]> {
  const cursors: number[] = [];
  for (let i = 0; i < n; i++) {
    const jws = h.sign(h.envelope("case-notify-ok", { to: [{ participant: h.id(to) }] }));
    await h.accepted(jws);
    const id = h.idOf(jws);
    cursors.push((await waitForInbox(h, to, (x) => x.messageId === id, id, 5_000)).cursor);
  }
  return cursors;
}

const ack = (h: Harness, as: AgencyName, body: unknown) =>
  h.call("POST", "/v1/inbox/ack", {
    as,
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

export const agencyInboxTests = [
  t(
    "FRX-API-011",
    async (h) => {
      const [c1, c2, c3] = (await delivered(h, "VS", 3)) as [number, number, number];
      check(c1 < c2 && c2 < c3, `cursors ${c1}, ${c2}, ${c3} do not increase in arrival order`);
      const one = await page(h, "VS", `after=${c1}&limit=1`);
      same(one.items.length, 1, `items after ${c1} with limit 1`);
      check(
        one.items[0]!.cursor > c1 && one.items[0]!.cursor <= c2,
        `after=${c1}&limit=1 gave cursor ${one.items[0]!.cursor}, not the next one (≤ ${c2})`,
      );
      same(one.next, one.items[0]!.cursor, "next: the last item's cursor");
      const all = await page(h, "VS", `after=${c1 - 1}&limit=500`);
      const cursors = all.items.map((i) => i.cursor);
      same(
        cursors,
        [...cursors].sort((a, b) => a - b),
        "the order of a page's cursors",
      );
      check(cursors[0] === c1 && cursors.every((c) => c > c1 - 1), "a page began before after");
      // Read again, unacknowledged: the same items are still there (FRX-API-014).
      const again = await page(h, "VS", `after=${c1 - 1}&limit=500`);
      for (const c of [c1, c2, c3])
        check(
          again.items.some((i) => i.cursor === c),
          `item ${c} gone before it was acknowledged`,
        );
      const none = await page(h, "VS", `after=${MAX_CURSOR}`);
      same(
        [none.items.length, none.next],
        [0, MAX_CURSOR],
        "an empty page: no items, next = after",
      );
    },
    { covers: ["FRX-API-014"] },
  ),

  t("FRX-API-012", async (h) => {
    // POL's inbox, drained to its end, then a long-poll of 20,000 ms that an arrival ends.
    let after = 0;
    for (let p = await page(h, "POL", "limit=500"); p.items.length > 0;) {
      after = p.next;
      p = await page(h, "POL", `after=${after}&limit=500`);
    }
    const poll = page(h, "POL", `after=${after}&wait=20000`);
    await new Promise((r) => setTimeout(r, 300));
    const jws = h.sign(h.envelope("case-notify-ok", { to: [{ participant: h.id("POL") }] }));
    await h.accepted(jws);
    const got = await poll;
    check(
      got.items.some((i) => i.messageId === h.idOf(jws)),
      `the long-poll ended without the item that arrived (${JSON.stringify(got.items)})`,
    );
    // wait is milliseconds: 1,000 ms with nothing pending ends well before 30,000 (seconds, capped).
    const started = Date.now();
    const empty = await page(h, "POL", `after=${MAX_CURSOR}&wait=1000`);
    same(empty.items.length, 0, "items after the largest cursor");
    check(Date.now() - started < 15_000, "wait=1000 held the request for 15 s or more");
  }),

  t("FRX-API-013", async (h) => {
    for (const q of [
      "after=-1",
      "after=abc",
      "after=1.5",
      "limit=0",
      "limit=-1",
      "limit=ten",
      "wait=-5",
      "wait=1e3",
      "wait=0x10",
    ])
      h.problem(await h.call("GET", `/v1/inbox?${q}`, { as: "LI" }), "request.malformed");
    // In range: limit above 500 is served as 500, not refused.
    await page(h, "LI", `after=${MAX_CURSOR}&limit=100000`);
  }),

  t("FRX-API-016", async (h) => {
    for (const body of [
      {},
      [],
      { upTo: -1 },
      { upTo: 1.5 },
      { upTo: "1" },
      { cursors: [] },
      { cursors: "1" },
      { upTo: 1, extra: true },
      "null",
    ])
      h.problem(await ack(h, "LI", body), "request.malformed");
  }),

  t("FRX-API-017", async (h) => {
    const [c] = (await delivered(h, "VS", 1)) as [number];
    // Not refused, and nothing removed (upTo would acknowledge LI's own items up to c).
    const r = await ack(h, "LI", { cursors: [c] });
    same(r.status, 200, `LI acknowledging VS's cursor ${c} (${r.text.slice(0, 200)})`);
    same(r.json<{ acknowledged?: unknown }>().acknowledged, 0, "items LI's ack removed");
    same(
      (await inboxItems(h, "VS", (i) => i.cursor === c)).length,
      1,
      `VS's item ${c} after LI acknowledged it`,
    );
    await ack(h, "VS", { cursors: [c] });
  }),
];
