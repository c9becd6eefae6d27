import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const create = () => fixture("referral.create");
type Inbox = { items: Array<{ cursor: number; messageId: string; jws: string }>; next: number };
const inbox = async (who: string, query = "") =>
  (await (await t.as(who, `/v1/inbox${query}`)).json()) as Inbox;
const caseUrl = () => `/v1/cases/${encodeURIComponent(String(create().case))}`;

describe("inbox", () => {
  it("long-polls: a waiting reader is answered as soon as a message is delivered", async () => {
    const waiting = t.as("TH:DSDW", "/v1/inbox?wait=10000");
    await t.submit(t.sign(create()));
    const body = (await (await waiting).json()) as Inbox;
    expect(body.items.map((i) => i.messageId)).toEqual([create().id]);
    expect(body.items[0]!.jws.split(".")).toHaveLength(3);
  });

  it("reads after a cursor and forgets acknowledged items", async () => {
    await t.submit(t.sign(create()));
    await t.submit(
      t.sign({
        ...fixture("case.notify"),
        to: [{ participant: "TH:DSDW" }, { participant: "TH:NCC" }],
        purpose: "case_coordination",
      }),
    );
    const all = await inbox("TH:DSDW");
    expect(all.items).toHaveLength(2);
    expect(
      (await inbox("TH:DSDW", `?after=${all.items[0]!.cursor}`)).items.map((i) => i.cursor),
    ).toEqual([all.items[1]!.cursor]);
    const ack = await t.as("TH:DSDW", "/v1/inbox/ack", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ upTo: all.items[0]!.cursor }),
    });
    expect(await ack.json()).toEqual({ acknowledged: 1 });
    expect((await inbox("TH:DSDW")).items.map((i) => i.cursor)).toEqual([all.items[1]!.cursor]);
    expect((await inbox("TH:NCC")).items).toHaveLength(1);
  });

  it.each([
    ["a body that is not JSON", "application/json", "{oops", 400, "request.malformed"],
    ["neither upTo nor cursors", "application/json", "{}", 400, "request.malformed"],
    ["a negative cursor", "application/json", '{"upTo":-1}', 400, "request.malformed"],
    ["a form body", "application/x-www-form-urlencoded", "upTo=1", 415, "request.media-type"],
  ])("refuses an ack with %s", async (_, type, body, status, code) => {
    const res = await t.as("TH:DSDW", "/v1/inbox/ack", {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
    expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({
      status,
      code,
    });
  });

  it("refuses a cursor that is not a number", async () => {
    expect((await t.as("TH:DSDW", "/v1/inbox?after=abc")).status).toBe(400);
  });
});

describe("case view", () => {
  it("shows each party the referral's state, timeline, deadlines and the actions it may take now", async () => {
    await t.submit(t.sign(create()));
    const recipient = (await (await t.as("TH:DSDW", caseUrl())).json()) as {
      referrals: Array<{ state: string; allowedActions: string[] }>;
      timeline: Array<{ type: string }>;
      deadlines: Array<{ kind: string; dueAt: string }>;
      tracks: string[];
    };
    expect(recipient.referrals[0]!.state).toBe("received");
    expect(recipient.referrals[0]!.allowedActions).toEqual(
      expect.arrayContaining([
        "referral.acknowledge",
        "referral.accept",
        "referral.decline",
        "referral.redirect",
      ]),
    );
    expect(recipient.tracks).toEqual(["remedy"]);
    expect(recipient.timeline.map((e) => e.type)).toEqual(["referral.create"]);
    expect(recipient.deadlines.map((d) => d.kind).sort()).toEqual(["acknowledge", "decide"]);
    const referrer = (await (await t.as("TH:DOE", caseUrl())).json()) as {
      referrals: Array<{ allowedActions: string[] }>;
    };
    expect(referrer.referrals[0]!.allowedActions).toEqual(
      expect.arrayContaining(["referral.withdraw"]),
    );
    expect(referrer.referrals[0]!.allowedActions).not.toContain("referral.accept");
  });

  it("does not exist for an agency that is not a party", async () => {
    await t.submit(t.sign(create()));
    const res = await t.as("TH:ATPD", caseUrl());
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe("request.not-found");
  });

  it("follows a referral through acknowledge, accept, update and close", async () => {
    const c = create();
    await t.submit(t.sign(c));
    let sequence = 1;
    for (const type of [
      "referral.acknowledge",
      "referral.accept",
      "referral.update",
      "referral.close",
    ]) {
      const env = Object.assign(fixture(type), {
        from: "TH:DSDW",
        to: [{ participant: "TH:DOE" }],
        case: c.case,
        referral: c.referral,
        sequence: ++sequence,
      });
      const res = await t.submit(t.sign(env));
      expect(res.status, `${type}: ${await res.clone().text()}`).toBe(201);
    }
    const view = (await (await t.as("TH:DOE", caseUrl())).json()) as {
      referrals: Array<{ state: string; version: number }>;
      deadlines: unknown[];
      timeline: Array<{ state?: string }>;
    };
    expect(view.referrals[0]).toMatchObject({ state: "closed", version: 5 });
    expect(view.deadlines).toEqual([]);
    expect(view.timeline.map((e) => e.state)).toEqual([
      "received",
      "acknowledged",
      "accepted",
      "in_progress",
      "closed",
    ]);
  });
});
