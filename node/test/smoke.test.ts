import { afterEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
afterEach(async () => t?.node.close());

describe("smoke", () => {
  it("accepts a referral, delivers it, and shows the case", async () => {
    t = await thaiNode();
    const res = await t.submit(t.sign(fixture("referral.create")));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const inboxRes = await t.as("TH:DSDW", "/v1/inbox");
    const inbox = await inboxRes.json();
    expect(inboxRes.status, JSON.stringify(inbox)).toBe(200);
    expect(inbox.items).toHaveLength(1);
    const c = await (await t.as("TH:DSDW", `/v1/cases/${encodeURIComponent(String(fixture("referral.create").case))}`)).json();
    expect(c.referrals[0].state).toBe("received");
  });
});
