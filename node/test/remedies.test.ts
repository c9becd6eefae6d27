import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const CLAIM = "01KH8H88M0DM321D1J5C311TB9";
let n = 0;
/** A fresh id for each message (ULID alphabet, the fixtures' time). */
const nextId = () => `01KJPWT0S0BT0ZTSGWC95B${String(++n).padStart(4, "0")}`;

function claim(changes: Record<string, unknown> = {}): Envelope {
  const env = fixture("remedy.claim");
  env.to = [{ participant: "TH:DSDW" }];
  Object.assign(env.body, changes);
  return env;
}

function update(body: Record<string, unknown>, from = "TH:DSDW"): Envelope {
  const env = fixture("remedy.update");
  env.id = nextId();
  env.from = from;
  env.to = [{ participant: from === "TH:DOE" ? "TH:DSDW" : "TH:DOE" }];
  env.body = { claimRef: CLAIM, ...body };
  return env;
}

const thb = (amount: string) => ({ amount, currency: "THB" });
const send = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  const body = (await res.json()) as { code?: string; violations?: Array<{ pointer: string }> };
  return { status: res.status, code: body.code, at: body.violations?.map((v) => v.pointer) };
};
type Claim = {
  claimRef: string;
  state: string;
  currency: string;
  awarded?: { amount: string };
  paid: string;
  payments: Array<{ amount: string; total: string; at: string }>;
};
const claimsOf = async (who: string) =>
  (
    (await (
      await t.as(who, `/v1/cases/${encodeURIComponent(fixture("remedy.claim").case!)}`)
    ).json()) as { claims: Claim[] }
  ).claims;

describe("remedy claims as state (machines/remedy.json, FRX-REM-001 to FRX-REM-008)", () => {
  it("follows a claim from filed through an award and two instalments to paid, for its parties", async () => {
    expect((await send(claim())).status).toBe(201);
    expect((await send(update({ status: "assessed" }))).status).toBe(201);
    expect((await send(update({ status: "awarded", amountAwarded: thb("54000.00") }))).status).toBe(
      201,
    );
    expect(
      (
        await send(
          update({
            status: "partially_paid",
            amountPaid: thb("30000"),
            paidAt: "2026-02-27T07:00:00Z",
          }),
        )
      ).status,
    ).toBe(201);
    expect((await send(update({ status: "defaulted" }))).status).toBe(201);
    expect((await send(update({ status: "enforcement" }))).status).toBe(201);
    expect(
      (await send(update({ status: "paid", amountPaid: thb("54000.0000") }, "TH:DOE"))).status,
    ).toBe(201);

    const [c] = await claimsOf("TH:DOE");
    expect(c).toMatchObject({
      claimRef: CLAIM,
      state: "paid",
      currency: "THB",
      paid: "54000",
      payments: [
        { amount: "30000", total: "30000", at: "2026-02-27T07:00:00Z" },
        { amount: "24000", total: "54000" },
      ],
    });
    expect(await claimsOf("TH:DSDW")).toHaveLength(1);
    // A party of the case that is no party of the claim does not see it.
    expect(
      (await send(Object.assign(fixture("case.update"), { to: [{ participant: "TH:ATPD" }] })))
        .status,
    ).toBe(201);
    expect(await claimsOf("TH:ATPD")).toEqual([]);
  });

  it("refuses an amount in another currency than the claim's", async () => {
    await send(claim());
    expect(
      await send(update({ status: "awarded", amountAwarded: { amount: "1500", currency: "LAK" } })),
    ).toMatchObject({
      status: 409,
      code: "state.remedy-currency-mismatch",
      at: ["/body/amountAwarded/currency"],
    });
  });

  it("refuses more paid than awarded, a total that falls, and paid before the award is met", async () => {
    await send(claim());
    await send(update({ status: "awarded", amountAwarded: thb("54000") }));
    await send(update({ status: "partially_paid", amountPaid: thb("30000") }));
    const refused = { status: 409, code: "state.remedy-amount-invalid" };
    expect(
      await send(update({ status: "partially_paid", amountPaid: thb("60000") })),
    ).toMatchObject(refused);
    expect(
      await send(update({ status: "partially_paid", amountPaid: thb("20000") })),
    ).toMatchObject(refused);
    expect(await send(update({ status: "paid", amountPaid: thb("50000") }))).toMatchObject(refused);
    expect(await send(update({ status: "awarded", amountAwarded: thb("60000") }))).toMatchObject({
      status: 409,
      code: "state.transition-forbidden",
    });
    expect((await claimsOf("TH:DOE"))[0]).toMatchObject({ state: "partially_paid", paid: "30000" });
  });

  it("refuses a move the machine does not have, an unknown claim, and a sender outside the claim", async () => {
    await send(claim());
    const unknown = update({ status: "assessed", claimRef: "01KH8H88M0DM321D1J5C311TB8" });
    expect(await send(unknown)).toMatchObject({ status: 409, code: "state.transition-forbidden" });
    expect(await send(update({ status: "filed" }))).toMatchObject({
      status: 409,
      code: "state.transition-forbidden",
    });
    expect(await send(update({ status: "paid", amountPaid: thb("1") }))).toMatchObject({
      status: 409,
      code: "state.transition-forbidden",
    });
    // TH:ATPD becomes a party of the case, but not of the claim.
    await send(Object.assign(fixture("case.update"), { to: [{ participant: "TH:ATPD" }] }));
    const outsider = update({ status: "assessed" }, "TH:ATPD");
    expect(await send(outsider)).toMatchObject({ status: 409, code: "state.actor-forbidden" });
  });
});
