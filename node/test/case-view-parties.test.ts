import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { custodyPrefix, type CustodyRecord } from "../src/pipeline/attachment-ops.js";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const CASE = fixture("referral.create").case!;
const send = async (env: Envelope) => (await t.submit(t.sign(env))).status;
type View = {
  referrals: unknown[];
  deadlines: unknown[];
  claims: Array<{ claimRef: string }>;
  outcomeTracks: Array<{ track: string }>;
  custody: unknown[];
  timeline: Array<{ type: string }>;
};
const view = async (who: string, id = CASE) => {
  const res = await t.as(who, `/v1/cases/${encodeURIComponent(id)}`);
  return { status: res.status, body: (await res.json()) as View & { code?: string } };
};

/**
 * The case view of issue 12 (tracks, claims and payments, deadlines, custody) is the parties'
 * only, each part only for the parties of its own thread (FRX-MSG-012, FRX-API-018,
 * FRX-REM-007, FRX-REM-013).
 */
describe("the case view with tracks, claims and deadlines, for the parties only", () => {
  beforeEach(async () => {
    // TH:DOE refers the worker to TH:DSDW, claims wages with TH:DSDW, and makes the police,
    // the regulator and the coordinator parties; the regulator reports a licence suspension.
    const referral = fixture("referral.create");
    referral.to = [{ participant: "TH:DSDW" }];
    expect(await send(referral)).toBe(201);
    const claim = Object.assign(fixture("remedy.claim"), { to: [{ participant: "TH:DSDW" }] });
    expect(await send(claim)).toBe(201);
    expect(await send(fixture("case.update"))).toBe(201);
    const sanction = Object.assign(fixture("sanction.notify"), {
      to: [{ participant: "TH:DOE" }, { participant: "TH:NCC" }],
    });
    expect(await send(sanction)).toBe(201);
    // Evidence LA:MOLSW sent TH:DSDW with its file, as the attachment route records it on arrival.
    const custody: CustodyRecord = {
      case: CASE,
      sha256: "a".repeat(64),
      evidenceId: "01KJPWT0S0BT0ZTSGWC95E0001",
      messageId: "01KJPWT0S0BT0ZTSGWC95E0002",
      from: "LA:MOLSW",
      to: ["TH:DSDW"],
      custody: [{ holder: "TH:DSDW", action: "received", at: "2026-03-02T09:40:00Z", node: "TH" }],
    };
    await t.node.ctx.store.commit([
      {
        type: "put",
        aggregate: "attachments",
        key: `${custodyPrefix(CASE)}${custody.sha256}`,
        value: custody,
      },
    ]);
  });

  it("does not exist for an agency of the node that is no party: the same answer as no case at all", async () => {
    const stranger = await view("TH:IMB");
    const nothing = await view("TH:IMB", "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W1");
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe("request.not-found");
    expect(nothing.status).toBe(404);
    expect(Object.keys(stranger.body).sort()).toEqual(Object.keys(nothing.body).sort());
    expect(JSON.stringify(stranger.body)).not.toContain("claim");
  });

  it("shows each party only the threads, claims, tracks and deadlines it is part of", async () => {
    const owner = (await view("TH:DOE")).body;
    expect(owner.referrals).toHaveLength(1);
    expect(owner.claims).toHaveLength(1);
    expect(owner.deadlines.length).toBeGreaterThan(0);
    expect(owner.outcomeTracks.map((x) => x.track)).toEqual(["licensing"]);

    expect(owner.custody).toEqual([]);

    const services = (await view("TH:DSDW")).body;
    expect(services.claims).toHaveLength(1);
    expect(services.custody).toHaveLength(1);
    expect(services.deadlines.length).toBeGreaterThan(0);
    expect(services.outcomeTracks).toEqual([]);

    // The police are a party of the case, told of nothing but the case update.
    const police = (await view("TH:ATPD")).body;
    expect(police).toMatchObject({
      referrals: [],
      deadlines: [],
      claims: [],
      outcomeTracks: [],
      custody: [],
    });
    expect(police.timeline.map((e) => e.type)).toEqual(["case.update"]);
  });
});
