import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

/** A case.transfer from TH:DOE to TH:DSDW naming `newOwner`. */
function transfer(n: number, newOwner: string) {
  const env = fixture("case.transfer");
  return {
    ...env,
    id: `01KJPY0F803ENRXF0YZ20K${String(n).padStart(4, "0")}`,
    to: [{ participant: "TH:DSDW" }],
    body: { ...env.body, newOwner },
  };
}

describe("case.transfer (issue 18, finding 10)", () => {
  it("FRX-MSG-009: accepts a newOwner that is a recipient of the envelope", async () => {
    const res = await t.submit(t.sign(transfer(1, "TH:DSDW")));
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it.each([
    ["an agency of this node the envelope does not address", "TH:NCC"],
    ["an agency of a node outside the federation", "VN:MOLISA"],
  ])(
    "FRX-MSG-009: refuses a newOwner that is %s with routing.recipient-unknown",
    async (_, owner) => {
      const res = await t.submit(t.sign(transfer(2, owner)));
      expect(res.status).toBe(422);
      const problem = (await res.json()) as {
        code: string;
        violations: Array<{ pointer: string }>;
      };
      expect(problem.code).toBe("routing.recipient-unknown");
      expect(problem.violations.map((v) => v.pointer)).toEqual(["/body/newOwner"]);
    },
  );

  it("FRX-MSG-201: moves the case's authority to the new owner; the old owner can no longer transfer it", async () => {
    expect((await t.submit(t.sign(transfer(3, "TH:DSDW")))).status).toBe(201);
    const caseId = fixture("case.transfer").case!;
    const view = (await (
      await t.as("TH:DSDW", `/v1/cases/${encodeURIComponent(caseId)}`)
    ).json()) as {
      owner: string;
    };
    expect(view.owner).toBe("TH:DSDW");
    // TH:DOE gave the case away: it cannot take it back.
    const back = await t.submit(t.sign(transfer(4, "TH:DSDW")));
    expect(back.status).toBe(409);
    expect(((await back.json()) as { code: string }).code).toBe("state.actor-forbidden");
  });
});
