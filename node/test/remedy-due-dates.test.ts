import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const CLAIM = "01KH8H88M0DM321D1J5C311TB9";
const CASE = fixture("remedy.claim").case!;
let n = 0;
const nextId = () => `01KJPWT0S0BT0ZTSGWC95C${String(++n).padStart(4, "0")}`;
const thb = (amount: string) => ({ amount, currency: "THB" });
const FIRST = "2026-03-10T10:00:00Z";
const SECOND = "2026-03-20T10:00:00Z";
const plan = [
  { dueAt: FIRST, amount: thb("20000") },
  { dueAt: SECOND, amount: thb("34000") },
];

/** TH:DOE claims for the worker; TH:DSDW is the claim's recipient. */
function claim(): Envelope {
  const env = fixture("remedy.claim");
  env.to = [{ participant: "TH:DSDW" }];
  return env;
}
function update(body: Record<string, unknown>, from = "TH:DSDW"): Envelope {
  const env = fixture("remedy.update");
  env.id = nextId();
  env.from = from;
  env.to = [{ participant: from === "TH:DOE" ? "TH:DSDW" : "TH:DOE" }];
  env.sentAt = t.clock.now().toISOString();
  env.body = { claimRef: CLAIM, ...body };
  return env;
}
const send = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  const body = (await res.json()) as { code?: string; violations?: Array<{ pointer: string }> };
  return { status: res.status, code: body.code, at: body.violations?.map((v) => v.pointer) };
};
type Notice = {
  id: string;
  type: string;
  from: string;
  case: string;
  body: Record<string, unknown>;
};
const notices = async (who: string): Promise<Notice[]> =>
  ((await (await t.as(who, "/v1/inbox")).json()) as { items: Array<{ jws: string }> }).items
    .map((i) => JSON.parse(Buffer.from(i.jws.split(".")[1]!, "base64url").toString()) as Notice)
    .filter((m) => m.type === "deadline.overdue");
type Overdue = { instalment: number; noticeId?: string; clearedAt?: string; clearedBy?: string };
const claimOf = async (who: string) =>
  (
    (await (await t.as(who, `/v1/cases/${encodeURIComponent(CASE)}`)).json()) as {
      claims: Array<{ schedule?: unknown[]; overdue?: Overdue[]; scheduledBy?: string }>;
    }
  ).claims[0];
const awardWith = (schedule: unknown) =>
  update({ status: "awarded", amountAwarded: thb("54000"), schedule });

describe("payment due dates (FRX-REM-014 to FRX-REM-017)", () => {
  it("sends one overdue notice per instalment that falls due unpaid, to the claim's parties and the coordinator, and a payment clears it", async () => {
    expect((await send(claim())).status).toBe(201);
    const award = awardWith(plan);
    expect((await send(award)).status).toBe(201);
    expect(await claimOf("TH:DOE")).toMatchObject({
      scheduledBy: award.id,
      schedule: [
        { dueAt: FIRST, amount: "20000", total: "20000" },
        { dueAt: SECOND, amount: "34000", total: "54000" },
      ],
    });

    // The first instalment is paid on time: its due date passes without a notice.
    t.clock.set("2026-03-09T08:00:00Z");
    await send(update({ status: "partially_paid", amountPaid: thb("20000") }));
    t.clock.set("2026-03-10T10:00:01Z");
    await t.node.scheduler.tick();
    expect(await notices("TH:NCC")).toEqual([]);

    // The second falls due with 20000 of 54000 paid.
    t.clock.set("2026-03-20T10:00:00Z");
    await t.node.scheduler.tick();
    for (const who of ["TH:DOE", "TH:DSDW", "TH:NCC"]) {
      const got = await notices(who);
      expect(got, who).toHaveLength(1);
      expect(got[0]).toMatchObject({
        from: "TH:NODE",
        case: CASE,
        body: {
          deadline: "payment",
          level: 1,
          claimRef: CLAIM,
          instalment: 2,
          dueAt: SECOND,
          amountDue: thb("54000"),
          amountPaid: thb("20000"),
        },
      });
    }
    expect(await notices("TH:ATPD")).toEqual([]);
    // Never a second notice for the same instalment (FRX-REM-016).
    t.clock.set("2026-03-25T10:00:00Z");
    await t.node.scheduler.tick();
    expect(await notices("TH:NCC")).toHaveLength(1);
    const [noticed] = (await claimOf("TH:DSDW"))!.overdue!;
    expect(noticed).toMatchObject({ instalment: 2 });
    expect(noticed!.noticeId).toBeTruthy();
    expect(noticed!.clearedAt).toBeUndefined();

    // Paying the rest clears it.
    const pay = update({ status: "paid", amountPaid: thb("54000") }, "TH:DOE");
    expect((await send(pay)).status).toBe(201);
    expect((await claimOf("TH:DOE"))!.overdue).toEqual([
      expect.objectContaining({
        instalment: 2,
        clearedAt: "2026-03-25T10:00:00.000Z",
        clearedBy: pay.id,
      }),
    ]);
  });

  it("catches up instalments missed while the node was not ticking with one notice for the latest", async () => {
    await send(claim());
    await send(awardWith(plan));
    t.clock.set("2026-03-21T00:00:00Z");
    await t.node.scheduler.tick();
    const got = await notices("TH:DOE");
    expect(
      got.map((m) => [m.body.instalment, (m.body.amountDue as { amount: string }).amount]),
    ).toEqual([[2, "54000"]]);
    // Both are recorded overdue, under that one notice; none is notified again.
    const overdue = (await claimOf("TH:DOE"))!.overdue!;
    expect(overdue.map((o) => o.instalment)).toEqual([1, 2]);
    expect(new Set(overdue.map((o) => o.noticeId))).toEqual(new Set([got[0]!.id]));
    t.clock.set("2026-03-22T00:00:00Z");
    await t.node.scheduler.tick();
    expect(await notices("TH:DOE")).toHaveLength(1);
    // A partial payment clears the first instalment only.
    await send(update({ status: "partially_paid", amountPaid: thb("20000") }));
    expect((await claimOf("TH:DOE"))!.overdue!.map((o) => !!o.clearedAt)).toEqual([true, false]);
  });

  it("a later schedule replaces the earlier one: its own due dates run, not the old ones", async () => {
    await send(claim());
    await send(awardWith(plan));
    const later = [{ dueAt: "2026-03-28T10:00:00Z", amount: thb("54000") }];
    const reschedule = update({ status: "awarded", schedule: later });
    // The award is not repeated: a move awarded → awarded is no transition of the machine.
    expect((await send(reschedule)).code).toBe("state.transition-forbidden");
    t.clock.set("2026-03-05T00:00:00Z");
    expect(
      (await send(update({ status: "partially_paid", amountPaid: thb("1000"), schedule: later })))
        .status,
    ).toBe(201);
    t.clock.set("2026-03-21T00:00:00Z");
    await t.node.scheduler.tick();
    expect(await notices("TH:DOE")).toEqual([]);
    t.clock.set("2026-03-28T10:00:00Z");
    await t.node.scheduler.tick();
    expect((await notices("TH:DOE")).map((m) => m.body.dueAt)).toEqual(["2026-03-28T10:00:00Z"]);
  });

  it("keeps at most 1000 overdue instalments on a claim, the latest, however often it was rescheduled", async () => {
    await send(claim());
    await send(awardWith(plan));
    // As if earlier schedules had left 1000 overdue instalments behind.
    const key = `${CASE}!${CLAIM}`;
    const record = (await t.node.ctx.store.get<Record<string, unknown>>("remedies", key))!;
    const old = Array.from({ length: 1000 }, (_, i) => ({
      instalment: (i % 120) + 1,
      dueAt: FIRST,
      amountDue: "1",
      scheduledBy: "01KJPWT0S0BT0ZTSGWC95F0000",
    }));
    await t.node.ctx.store.commit([
      { type: "put", aggregate: "remedies", key, value: { ...record, overdue: old } },
    ]);
    t.clock.set("2026-03-21T00:00:00Z");
    await t.node.scheduler.tick();
    const overdue = (await claimOf("TH:DOE"))!.overdue!;
    expect(overdue).toHaveLength(1000);
    expect(overdue.slice(-2).map((o) => [o.instalment, !!o.noticeId])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(await notices("TH:DOE")).toHaveLength(1);
  });

  it("refuses a schedule that does not fit the claim", async () => {
    await send(claim());
    const refused = (at: string) => ({
      status: 409,
      code: "state.remedy-schedule-invalid",
      at: [at],
    });
    expect(await send(awardWith([{ dueAt: FIRST, amount: thb("50000") }]))).toMatchObject(
      refused("/body/schedule"),
    );
    expect(
      await send(
        awardWith([
          { dueAt: SECOND, amount: thb("20000") },
          { dueAt: FIRST, amount: thb("34000") },
        ]),
      ),
    ).toMatchObject(refused("/body/schedule/1/dueAt"));
    expect(
      await send(
        awardWith([
          { dueAt: FIRST, amount: thb("0") },
          { dueAt: SECOND, amount: thb("54000") },
        ]),
      ),
    ).toMatchObject(refused("/body/schedule/0/amount/amount"));
    expect(
      await send(awardWith([{ dueAt: FIRST, amount: { amount: "54000", currency: "LAK" } }])),
    ).toMatchObject({
      status: 409,
      code: "state.remedy-currency-mismatch",
      at: ["/body/schedule/0/amount/currency"],
    });
    // Before the award there is nothing to schedule.
    expect(await send(update({ status: "assessed", schedule: plan }))).toMatchObject(
      refused("/body/schedule"),
    );
    expect((await claimOf("TH:DOE"))!.schedule).toBeUndefined();
  });
});
