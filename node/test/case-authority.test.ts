import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

/** The fixtures' case: TH:DOE's id opens it, so TH:DOE owns it. */
const CASE = "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0";
let n = 0;
const id = () => `01KJPZ1F803ENRXF0YZ20K${String(++n).padStart(4, "0")}`;

async function send(env: Envelope): Promise<{ status: number; code?: string }> {
  const res = await t.submit(t.sign({ ...env, id: id() }));
  const body = (await res.json()) as { code?: string };
  return { status: res.status, ...(body.code ? { code: body.code } : {}) };
}

/** A case.update from `from` to `to` in `caseId`, for case coordination at T1. */
function update(from: string, to: string, caseId = CASE): Envelope {
  const env = fixture("case.update");
  return { ...env, from, to: [{ participant: to }], case: caseId };
}

describe("finding 3 (issue 11): only the parties of a case act in it and read it", () => {
  it("refuses a message naming the case from an agency no party addressed (FRX-MSG-010)", async () => {
    expect((await send(update("TH:DOE", "TH:ATPD"))).status).toBe(201);
    expect(await send(update("TH:DOE-REG", "TH:ATPD"))).toEqual({
      status: 403,
      code: "case.not-party",
    });
    // And the refused sender did not become a party: the case does not exist for it.
    expect((await t.as("TH:DOE-REG", `/v1/cases/${encodeURIComponent(CASE)}`)).status).toBe(404);
  });

  it("lets an agency a party addressed act in the case (FRX-MSG-010)", async () => {
    expect((await send(update("TH:DOE", "TH:ATPD"))).status).toBe(201);
    expect((await send(update("TH:ATPD", "TH:NCC"))).status).toBe(201);
    expect((await send(update("TH:NCC", "TH:DOE"))).status).toBe(201);
  });

  it("refuses a case unknown here from an agency other than the one its id names (FRX-MSG-011)", async () => {
    expect(await send(update("TH:ATPD", "TH:DOE"))).toEqual({
      status: 403,
      code: "case.not-party",
    });
    expect(
      (await send(update("TH:ATPD", "TH:DOE", "TH:ATPD:01JNB5X8Q2M3N4P5R6S7T8V9W1"))).status,
    ).toBe(201);
  });

  it("shows each party only the timeline entries addressed to it or sent by it (FRX-MSG-012)", async () => {
    expect((await send(update("TH:DOE", "TH:ATPD"))).status).toBe(201);
    expect((await send(update("TH:DOE", "TH:DSDW"))).status).toBe(201);
    const view = (await (
      await t.as("TH:ATPD", `/v1/cases/${encodeURIComponent(CASE)}`)
    ).json()) as { timeline: Array<{ from: string; to: string[] }> };
    expect(view.timeline.length).toBeGreaterThan(0);
    expect(view.timeline.every((e) => e.from === "TH:ATPD" || e.to.includes("TH:ATPD"))).toBe(true);
    expect(view.timeline.some((e) => e.to.includes("TH:DSDW"))).toBe(false);
  });
});
