import { MessageType } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FrxClient, InboxItem } from "../src/index.js";
import { fixture, inputOf } from "./support/fixtures.js";
import { startNode, type LiveNode } from "./support/live-node.js";

let live: LiveNode;
let doe: FrxClient, ncc: FrxClient;
beforeEach(async () => {
  live = await startNode();
  doe = live.client("TH:DOE");
  ncc = live.client("TH:NCC");
});
afterEach(async () => live.close());

/** Sends `n` case notices from TH:DOE to TH:NCC; returns their ids in order. */
async function notify(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const input = inputOf<typeof MessageType.CaseNotify>(fixture(MessageType.CaseNotify));
    const sent = await doe.send(MessageType.CaseNotify, {
      ...input,
      to: [{ participant: "TH:NCC" }],
    });
    ids.push(sent.messageId);
  }
  return ids;
}

async function all(client: FrxClient, after?: number): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  for await (const item of client.inbox({
    follow: false,
    ...(after !== undefined ? { after } : {}),
  }))
    items.push(item);
  return items;
}

describe("inbox", () => {
  it("resumes from a saved cursor: a new reader starts after the last item handled", async () => {
    const ids = await notify(3);
    let saved = 0;
    const first = ncc.inbox({ follow: false });
    for await (const item of first) {
      expect(item.ok).toBe(true);
      saved = item.cursor; // the agency system stores this with its own record of the message
      break;
    }
    expect(first.cursor).toBe(saved);
    const rest = await all(ncc, saved);
    expect(rest.map((i) => i.messageId)).toEqual(ids.slice(1));
    // Nothing was acknowledged: a reader from the start still sees all three.
    expect((await all(ncc)).map((i) => i.messageId)).toEqual(ids);
  });

  it("acknowledges explicitly: acknowledged items leave the inbox", async () => {
    const ids = await notify(3);
    const items = await all(ncc);
    expect(await ncc.ack(items[1]!.cursor)).toBe(2);
    expect((await all(ncc)).map((i) => i.messageId)).toEqual(ids.slice(2));
  });

  it("auto-acknowledges what the loop went past, not the item it broke on (at least once)", async () => {
    const ids = await notify(3);
    for await (const item of ncc.inbox({ follow: false, autoAck: true })) {
      if (item.messageId === ids[1]) break;
    }
    expect((await all(ncc)).map((i) => i.messageId)).toEqual(ids.slice(1));
    for await (const _ of ncc.inbox({ follow: false, autoAck: true })) void _;
    expect(await all(ncc)).toEqual([]);
  });

  it("long-polls: a waiting reader gets a message as soon as it is delivered, and stops on abort", async () => {
    const controller = new AbortController();
    const reader = ncc.inbox({ waitMs: 20_000, signal: controller.signal })[Symbol.asyncIterator]();
    const next = reader.next();
    const [id] = await notify(1);
    const { value } = await next;
    expect(value).toMatchObject({ ok: true, messageId: id, message: { from: "TH:DOE" } });
    const after = reader.next(); // waits on the node again
    controller.abort();
    expect(await after).toEqual({ done: true, value: undefined });
  });

  it("feeds the referral helpers: a reply after reading the inbox uses the version read", async () => {
    const dsdw = live.client("TH:DSDW");
    const input = inputOf<typeof MessageType.ReferralCreate>(fixture(MessageType.ReferralCreate));
    const ref = await doe.referrals.create({ ...input, referral: undefined });
    await dsdw.referrals.acknowledge(ref, { assignedHandlerRole: "shelter case manager" });
    for await (const _ of doe.inbox({ follow: false })) void _; // DOE reads the acknowledgement
    const withdrawn = await doe.referrals.withdraw(ref, { reason: "duplicate" });
    expect(withdrawn.message.sequence).toBe(3);
    // Right the first time: the node never had to refuse a stale sequence.
    expect(live.node.ctx.metrics.render()).not.toContain("state.sequence-conflict");
  });
});
