import { createPublicKey } from "node:crypto";
import { createSigner, sealTransaction, signEnvelope, verifyEnvelope } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, type Envelope } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import { inbox, payloadOf } from "./taps.js";

// Issue 12, "Deadlines that cross borders": the recipient's node (LA) runs the deadlines of a
// referral from TH:ATPD to LA:ATD; its reminders and escalations reach the referrer and the
// coordinators of both countries as LA's signed node notices (FRX-DL-001, FRX-DL-010).
let cluster: Cluster;
let th: Member;
let la: Member;
let kh: Member;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA", "KH"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
  kh = cluster.get("KH");
});
afterAll(async () => cluster.close());

type Notice = {
  type: string;
  from: string;
  to: Array<{ participant: string }>;
  referral?: string;
  body: {
    deadline: string;
    level?: number;
    investigationId?: string;
    escalatedTo?: Array<{ participant: string }>;
  };
};
const notices = async (m: Member, who: string, about: string) =>
  (await inbox(m, who))
    .map((i) => ({ item: i, n: payloadOf<Notice>(i.jws) }))
    .filter(
      ({ n }) => n.type.startsWith("deadline.") && (n.referral ?? n.body.investigationId) === about,
    );
const label = (n: Notice) =>
  `${n.type}:${n.body.deadline}${n.body.level ? `:${n.body.level}` : ""}`;
const view = async (m: Member, who: string, caseId: string) =>
  (await (await m.as(who, `/v1/cases/${encodeURIComponent(caseId)}`)).json()) as {
    referrals: Array<{ referral: string; state: string }>;
    deadlines: Array<{ kind: string; machine: string; subject: string; dueAt: string }>;
    timeline: Array<{ type: string; messageId: string; note?: string }>;
  };

/** Both nodes' clocks to `iso` (each checks the other's transactions against its own). */
function at(iso: string): void {
  for (const m of [th, la, kh]) m.clock.set(iso);
}

let serial = 0;
/** A routine referral from the Thai trafficking police to the Lao one, on a case of TH:ATPD's. */
async function refer(): Promise<Envelope> {
  serial++;
  const env = fixture("referral.create");
  const n = String(serial).padStart(4, "0");
  Object.assign(env, {
    id: `01KJQ9000000000000000R${n}`,
    from: "TH:ATPD",
    to: [{ participant: "LA:ATD" }],
    case: `TH:ATPD:01KJQ9000000000000000C${n}`,
    referral: `01KJQ9000000000000000F${n}`,
    purpose: "criminal_investigation_trafficking",
    tier: "T2",
    sentAt: th.clock.now().toISOString(),
  });
  const body = env.body as {
    urgency: string;
    track: string;
    consent: { audiences: string[] };
    persons: Array<Record<string, unknown>>;
  };
  for (const p of body.persons) delete p.health; // not for a criminal purpose
  body.urgency = "routine";
  body.track = "criminal";
  body.consent.audiences = ["domestic_authorities", "service_providers", "foreign_authorities"];
  const res = await th.submit(th.sign(env));
  expect(res.status, await res.clone().text()).toBe(201);
  await eventually(
    async () => (await inbox(la, "LA:ATD")).some((i) => i.messageId === env.id),
    "the referral at LA:ATD",
  );
  return env;
}

/** A transaction from `origin`'s node to `dest` carrying `jws`, as a peer would send it. */
async function send(origin: Member, dest: Member, txnId: string, jws: string) {
  const jwe = await sealTransaction(
    {
      frx: "1",
      txnId,
      origin: origin.country,
      destination: dest.country,
      sentAt: dest.clock.now().toISOString(),
      envelopes: [jws],
    },
    createSigner(origin.keys.signing),
    cluster.trustList.members.find((m) => m.node === dest.country)!.encryptionKey,
  );
  const res = await fetch(`${dest.url}/federation/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/jose" },
    body: jwe,
  });
  expect(res.status).toBe(200);
  const { reply } = (await res.json()) as { reply: string };
  return payloadOf<{ results: Array<{ status: string; code?: string }> }>(reply).results;
}

/** A deadline.overdue about `ref`, signed by `signer`'s node key as `<signer>:NODE`. */
function forged(
  signer: Member,
  ref: Envelope,
  id: string,
  to: string,
  changes: Partial<Envelope> = {},
) {
  const env = {
    ...fixture("deadline.overdue"),
    id,
    from: `${signer.country}:NODE`,
    to: [{ participant: to }],
    case: ref.case,
    referral: ref.referral,
    sentAt: signer.clock.now().toISOString(),
    body: { deadline: "acknowledge", dueAt: "2026-03-03T17:00:00Z", level: 2 },
    ...changes,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete (env as Envelope)[k];
  return signEnvelope(env, createSigner(signer.keys.signing));
}

describe("a node that is not authoritative cannot forge a deadline notice (FRX-DL-012)", () => {
  it("refuses the referrer's own node escalating, and expiring, the referral at the recipient's", async () => {
    const ref = await refer();
    const results = await send(
      th,
      la,
      "01KJQ9000000000000000T0001",
      forged(th, ref, "01KJQ9000000000000000N0001", "LA:ATD"),
    );
    expect(results).toMatchObject([{ status: "rejected", code: "state.actor-forbidden" }]);
    expect((await view(la, "LA:ATD", ref.case!)).referrals[0]!.state).toBe("received");
  });

  it("refuses a third country's node escalating a referral to the referrer, at level 1 too", async () => {
    const ref = await refer();
    const level1 = forged(kh, ref, "01KJQ9000000000000000N0002", "TH:ATPD", {
      body: { deadline: "acknowledge", dueAt: "2026-03-03T17:00:00Z", level: 1 },
    });
    expect(await send(kh, th, "01KJQ9000000000000000T0002", level1)).toMatchObject([
      { status: "rejected", code: "state.actor-forbidden" },
    ]);
    expect(await notices(th, "TH:ATPD", ref.referral!)).toEqual([]);
  });

  it("refuses a notice about a referral the node does not hold, or of another case", async () => {
    const ref = await refer();
    const unknown = forged(
      la,
      { ...ref, referral: "01KJQ9000000000000000FFFFF" },
      "01KJQ9000000000000000N0003",
      "TH:ATPD",
    );
    const otherCase = forged(
      la,
      { ...ref, case: "TH:ATPD:01KJQ9000000000000000CFFFF" },
      "01KJQ9000000000000000N0004",
      "TH:ATPD",
    );
    expect(await send(la, th, "01KJQ9000000000000000T0003", unknown)).toMatchObject([
      { status: "rejected", code: "state.referral-unknown" },
    ]);
    expect(await send(la, th, "01KJQ9000000000000000T0004", otherCase)).toMatchObject([
      { status: "rejected", code: "state.referral-unknown" },
    ]);
    // A payment due date names its claim; one this node does not hold is refused the same way.
    const payment = forged(kh, ref, "01KJQ9000000000000000N0005", "TH:ATPD", {
      referral: undefined,
      body: {
        deadline: "payment",
        dueAt: "2026-03-03T17:00:00Z",
        level: 1,
        claimRef: "01KJQ9000000000000000X0001",
        instalment: 1,
        amountDue: { amount: "100.00", currency: "THB" },
        amountPaid: { amount: "0.00", currency: "THB" },
      },
    });
    expect(await send(kh, th, "01KJQ9000000000000000T0005", payment)).toMatchObject([
      { status: "rejected", code: "state.referral-unknown" },
    ]);
  });
});

describe("the recipient's node runs a cross-border referral's deadlines (FRX-DL-001)", () => {
  it("reminds LA:ATD, escalates to TH:ATPD and both coordinators across the border, then expires the referral on both sides", async () => {
    at("2026-03-02T09:45:00Z"); // Monday 16:45 in Vientiane and Bangkok (+07:00)
    const ref = await refer();
    // LA runs them, on its calendar: acknowledge by the end of Tuesday local time (FRX-DL-003).
    const laView = await view(la, "LA:ATD", ref.case!);
    expect(laView.deadlines.map((d) => `${d.kind} ${d.dueAt}`).sort()).toEqual([
      "acknowledge 2026-03-03T17:00:00.000Z",
      "decide 2026-03-09T17:00:00.000Z",
    ]);
    // The referrer's node runs none (FRX-DL-008).
    expect((await view(th, "TH:ATPD", ref.case!)).deadlines).toEqual([]);

    at("2026-03-03T10:00:00Z");
    await la.node.scheduler.tick();
    expect((await notices(la, "LA:ATD", ref.referral!)).map(({ n }) => label(n))).toEqual([
      "deadline.reminder:acknowledge",
    ]);
    await th.node.scheduler.tick();
    expect(await notices(th, "TH:ATPD", ref.referral!)).toEqual([]);

    at("2026-03-03T17:30:00Z");
    await la.node.scheduler.tick();
    await th.node.scheduler.tick();
    const level1 = await eventually(
      async () => (await notices(th, "TH:ATPD", ref.referral!)).find(({ n }) => n.body.level === 1),
      "the level-1 escalation at TH:ATPD",
    );
    expect(level1.n.from).toBe("LA:NODE");
    expect(level1.n.body.escalatedTo!.map((a) => a.participant).sort()).toEqual([
      "LA:NCC",
      "TH:ATPD",
      "TH:NCC",
    ]);
    // Signed with LA's node key, as its trust-list entry gives it.
    const laKey = createPublicKey({
      key: cluster.trustList.members.find((m) => m.node === "LA")!.signingKeys[0]!
        .jwk as unknown as import("node:crypto").JsonWebKey,
      format: "jwk",
    });
    await expect(
      verifyEnvelope(level1.item.jws, {
        resolveKey: () => ({ key: laKey, owner: "LA" }),
        now: th.clock.now(),
      }),
    ).resolves.toMatchObject({ message: { from: "LA:NODE" } });
    await eventually(
      async () => (await notices(th, "TH:NCC", ref.referral!)).some(({ n }) => n.body.level === 1),
      "the level-1 escalation at TH's coordinator",
    );
    expect((await notices(la, "LA:NCC", ref.referral!)).map(({ n }) => label(n))).toContain(
      "deadline.overdue:acknowledge:1",
    );
    expect(await notices(kh, "KH:NCCT", ref.referral!)).toEqual([]);
    // On the referrer's timeline, and the coordinator (no party) does not become one.
    const thTimeline = (await view(th, "TH:ATPD", ref.case!)).timeline;
    expect(thTimeline.some((e) => e.messageId === level1.item.messageId)).toBe(true);
    expect((await th.as("TH:NCC", `/v1/cases/${encodeURIComponent(ref.case!)}`)).status).toBe(404);

    at("2026-03-04T17:30:00Z");
    await la.node.scheduler.tick();
    expect((await view(la, "LA:ATD", ref.case!)).referrals[0]!.state).toBe("expired");
    await eventually(
      async () => (await view(th, "TH:ATPD", ref.case!)).referrals[0]!.state === "expired",
      "TH's copy of the referral to expire on LA's level-2 notice",
    );
    const atTh = (await notices(th, "TH:ATPD", ref.referral!)).map(({ n }) => label(n));
    expect(atTh.filter((l) => l === "deadline.overdue:acknowledge:1")).toHaveLength(1);
    expect(atTh).toContain("deadline.overdue:acknowledge:2");
  });
});
