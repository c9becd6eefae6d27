import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const CASE = fixture("remedy.claim").case!;
const claimsOf = async (who: string) =>
  (
    (await (await t.as(who, `/v1/cases/${encodeURIComponent(CASE)}`)).json()) as {
      claims: Array<{ claimRef: string; recipients: string[]; state: string }>;
    }
  ).claims;
const send = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
};

describe("a claim follows the worker (FRX-REM-018)", () => {
  it("passes to the case's new owner with the case: it sees the claim and reports its progress", async () => {
    const claim = Object.assign(fixture("remedy.claim"), { to: [{ participant: "TH:DSDW" }] });
    expect((await send(claim)).status).toBe(201);
    expect(await claimsOf("TH:DOE")).toHaveLength(1);
    // The worker moves; TH:DOE passes the case to TH:ATPD, which was no party of the claim.
    const transfer = fixture("case.transfer");
    transfer.to = [{ participant: "TH:ATPD" }];
    transfer.body = { ...transfer.body, newOwner: "TH:ATPD" };
    expect((await send(transfer)).status).toBe(201);
    const [seen] = await claimsOf("TH:ATPD");
    expect(seen).toMatchObject({
      claimRef: claim.body.claimRef,
      recipients: ["TH:DSDW", "TH:ATPD"],
    });
    const update = Object.assign(fixture("remedy.update"), {
      from: "TH:ATPD",
      to: [{ participant: "TH:DOE" }],
      body: { claimRef: claim.body.claimRef, status: "assessed" },
    });
    expect(await send(update)).toMatchObject({ status: 201 });
    expect((await claimsOf("TH:DSDW"))[0]!.state).toBe("assessed");
  });
});
