import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start();
});
afterAll(async () => cluster.close());

type Item = { cursor: number; messageId: string; jws: string };
const inbox = async (m: Member, who: string) =>
  ((await (await m.as(who, "/v1/inbox")).json()) as { items: Item[] }).items;
const typeOf = (i: Item) =>
  JSON.parse(Buffer.from(i.jws.split(".")[1]!, "base64url").toString()) as {
    type: string;
    body: Record<string, unknown>;
  };
const caseOf = async (m: Member, who: string, id: string) =>
  (await (await m.as(who, `/v1/cases/${encodeURIComponent(id)}`)).json()) as {
    referrals: Array<{ state: string; version: number }>;
    timeline: Array<{ type: string; note?: string }>;
  };

/** A cross-border referral: a Lao deckhand found on a Thai vessel, referred to the Lao labour ministry. */
function crossBorder() {
  const env = fixture("referral.create") as ReturnType<typeof fixture> & {
    body: { consent: { audiences: string[] } };
  };
  env.to = [{ participant: "LA:MOLSW" }];
  env.body.consent.audiences = ["domestic_authorities", "service_providers", "foreign_authorities"];
  return env;
}

describe("a cross-border referral across three nodes", () => {
  it("is delivered to the Lao ministry with a verified receipt and moved through its whole state machine from both sides", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const create = crossBorder();
    const res = await th.submit(th.sign(create));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ deliveredTo: [], queuedFor: ["LA"] });

    const arrived = await eventually(
      async () => (await inbox(la, "LA:MOLSW")).find((i) => i.messageId === create.id),
      "the referral in LA:MOLSW's inbox",
    );
    expect(typeOf(arrived).type).toBe("referral.create");
    await eventually(
      async () =>
        (await caseOf(th, "TH:DOE", create.case!)).timeline.some(
          (e) => e.note === "delivered to LA",
        ),
      "TH's timeline to show delivery",
    );

    let sequence = 1;
    for (const type of [
      "referral.acknowledge",
      "referral.accept",
      "referral.update",
      "referral.close",
    ]) {
      const env = Object.assign(fixture(type), {
        from: "LA:MOLSW",
        to: [{ participant: "TH:DOE" }],
        case: create.case,
        referral: create.referral,
        sequence: ++sequence,
      });
      const r = await la.submit(la.sign(env));
      expect(r.status, `${type}: ${await r.clone().text()}`).toBe(201);
      await eventually(
        async () => (await inbox(th, "TH:DOE")).find((i) => i.messageId === env.id),
        `${type} at TH:DOE`,
      );
    }
    for (const [m, who] of [
      [th, "TH:DOE"],
      [la, "LA:MOLSW"],
    ] as const) {
      expect((await caseOf(m, who, create.case!)).referrals[0]).toMatchObject({
        state: "closed",
        version: 5,
      });
    }
  });

  it("routes by mandate: 'the agency in LA able to revoke a recruitment licence'", async () => {
    const th = cluster.get("TH");
    const env = {
      ...fixture("licence.query"),
      from: "TH:DOE-REG",
      to: [{ node: "LA", power: "licence_revocation" }],
    };
    expect((await th.submit(th.sign(env))).status).toBe(201);
    await eventually(
      async () => (await inbox(cluster.get("LA"), "LA:DOSM")).find((i) => i.messageId === env.id),
      "the query at LA:DOSM",
    );
  });

  it("refuses at the sending node what the peer's directory shows the firewall would forbid", async () => {
    const th = cluster.get("TH");
    const env = crossBorder();
    env.id = "01KJPWGVT06F3AHQXK8TNA5FW1";
    env.referral = "01KJPWGVT00H3GW7D0FZQ4NFW1";
    (env.body.persons as Array<Record<string, unknown>>)[0]!.immigration = {
      passportNumber: "LA1234567",
    };
    env.to = [{ participant: "LA:ATD" }];
    env.purpose = "criminal_investigation_trafficking";
    const res = await th.submit(th.sign(env));
    expect(res.status).toBe(422);
    const p = (await res.json()) as { violations: Array<{ pointer: string; code: string }> };
    expect(p.violations).toContainEqual(
      expect.objectContaining({
        code: "policy.firewall",
        pointer: "/body/persons/0/immigration/passportNumber",
      }),
    );
  });

  it("tells the sending agency when the peer refuses what it accepted for delivery", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    await th.node.ctx.peers.ensure("LA");
    // LA disables its national coordinator after TH cached the directory: TH queues, LA refuses.
    const { setParticipantStatus } = await import("../../src/admin/participants.js");
    await setParticipantStatus(la.node.ctx, "LA:NCC", "disabled");
    const env = {
      ...fixture("case.notify"),
      id: "01KJPWGVT06F3AHQXK8TNA5RJ1",
      to: [{ participant: "LA:NCC" }],
      purpose: "case_coordination",
    };
    expect((await th.submit(th.sign(env))).status).toBe(201);
    const notice = await eventually(
      async () =>
        (await inbox(th, "TH:DOE"))
          .map(typeOf)
          .find((m) => m.type === "delivery.failed" && m.body.messageId === env.id),
      "a delivery.failed notice",
    );
    expect(notice.body).toMatchObject({
      reason: "refused_by_peer",
      errorCode: "routing.recipient-unknown",
    });
  });
});
