import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

type Item = { messageId: string; jws: string };
const typesIn = async (who: string) =>
  ((await (await t.as(who, "/v1/inbox")).json()) as { items: Item[] }).items.map((i) => {
    const payload = JSON.parse(Buffer.from(i.jws.split(".")[1]!, "base64url").toString()) as {
      type: string;
      from: string;
      body: { deadline?: string; level?: number };
    };
    return `${payload.type}${payload.body.deadline ? `:${payload.body.deadline}` : ""}${payload.body.level ? `:${payload.body.level}` : ""}`;
  });
const routine = (): ReturnType<typeof fixture> => ({
  ...fixture("referral.create"),
  body: { ...fixture("referral.create").body, urgency: "routine" },
});
const caseView = async () =>
  (await (
    await t.as("TH:DOE", `/v1/cases/${encodeURIComponent(String(fixture("referral.create").case))}`)
  ).json()) as {
    referrals: Array<{ state: string }>;
    deadlines: Array<{ kind: string; stage: string; dueAt: string }>;
  };

describe("referral deadlines (working days on the node's calendar)", () => {
  it("reminds the recipient, escalates to the referrer and the national coordinator, then expires the referral", async () => {
    // Monday 2 March 09:45Z = 16:45 in Bangkok. Routine: acknowledge within 1 working day,
    // that is by 24:00 Bangkok time on Tuesday (FRX-DL-003); level 2 by 24:00 on Wednesday.
    expect((await t.submit(t.sign(routine()))).status).toBe(201);
    const ack = (await caseView()).deadlines.find((d) => d.kind === "acknowledge")!;
    expect(ack).toMatchObject({
      dueAt: "2026-03-03T17:00:00.000Z",
      remindAt: "2026-03-03T09:11:15.000Z",
      expireAt: "2026-03-04T17:00:00.000Z",
    });

    t.clock.set("2026-03-03T10:00:00Z"); // past 75% of the span
    await t.node.scheduler.tick();
    expect(await typesIn("TH:DSDW")).toContain("deadline.reminder:acknowledge");
    expect(await typesIn("TH:NCC")).toEqual([]);

    t.clock.set("2026-03-03T17:30:00Z"); // past the deadline
    await t.node.scheduler.tick();
    expect(await typesIn("TH:NCC")).toContain("deadline.overdue:acknowledge:1");
    expect(await typesIn("TH:DOE")).toContain("deadline.overdue:acknowledge:1");
    expect((await caseView()).referrals[0]!.state).toBe("received");

    t.clock.set("2026-03-04T17:30:00Z"); // past the doubled deadline
    await t.node.scheduler.tick();
    expect(await typesIn("TH:NCC")).toContain("deadline.overdue:acknowledge:2");
    expect((await caseView()).referrals[0]!.state).toBe("expired");
  });

  it("stops the clock when the recipient answers in time", async () => {
    const create = routine();
    await t.submit(t.sign(create));
    const ack = Object.assign(fixture("referral.acknowledge"), {
      from: "TH:DSDW",
      to: [{ participant: "TH:DOE" }],
      case: create.case,
      referral: create.referral,
      sequence: 2,
    });
    expect((await t.submit(t.sign(ack))).status).toBe(201);
    t.clock.set("2026-03-05T00:00:00Z");
    await t.node.scheduler.tick();
    expect(await typesIn("TH:NCC")).not.toContain("deadline.overdue:acknowledge:1");
    expect((await caseView()).deadlines.map((d) => d.kind)).toEqual(["decide"]);
  });

  it("does nothing when nothing is due, and each notice goes out once however often it ticks", async () => {
    await t.submit(t.sign(routine()));
    expect(await t.node.scheduler.tick()).toBe(0);
    t.clock.set("2026-03-03T17:30:00Z");
    await t.node.scheduler.tick();
    await t.node.scheduler.tick();
    const overdue = (await typesIn("TH:NCC")).filter((x) => x === "deadline.overdue:acknowledge:1");
    expect(overdue).toHaveLength(1);
  });

  it("signs its notices as <node>:NODE with the node's key, valid against the spec", async () => {
    await t.submit(t.sign(routine()));
    t.clock.set("2026-03-03T10:00:00Z");
    await t.node.scheduler.tick();
    const { items } = (await (await t.as("TH:DSDW", "/v1/inbox")).json()) as { items: Item[] };
    const notice = items[items.length - 1]!;
    const header = JSON.parse(Buffer.from(notice.jws.split(".")[0]!, "base64url").toString()) as {
      kid: string;
    };
    expect(header.kid).toBe(t.node.ctx.signer.kid);
    expect(JSON.parse(Buffer.from(notice.jws.split(".")[1]!, "base64url").toString()).from).toBe(
      "TH:NODE",
    );
  });
});

describe("demo SLA overrides (docs/operator-guide.md, SLA overrides)", () => {
  it("make an acknowledge deadline pass within seconds: 0.001 hours is 3.6 s", async () => {
    await t.node.close();
    t = await thaiNode({
      slaOverrides: { referral: { acknowledge: { routine: { hours: 0.001 } } } },
    });
    expect((await t.submit(t.sign(routine()))).status).toBe(201);
    const ack = (await caseView()).deadlines.find((d) => d.kind === "acknowledge")!;
    expect(ack.dueAt).toBe("2026-03-02T09:45:03.600Z");
    t.clock.set("2026-03-02T09:45:04Z");
    await t.node.scheduler.tick(); // the reminder, due at 2.7 s
    await t.node.scheduler.tick(); // level 1, due at 3.6 s
    expect(await typesIn("TH:DOE")).toContain("deadline.overdue:acknowledge:1");
    expect(await typesIn("TH:NCC")).toContain("deadline.overdue:acknowledge:1");
  });
});
