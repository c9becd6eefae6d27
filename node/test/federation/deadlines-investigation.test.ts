import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import { inbox, payloadOf } from "./taps.js";

// The investigation `respond` deadline (spec/state-machines.md, Deadlines): run by the
// proposer's node, reminding each invitee that has not answered, wherever it is, and
// escalating to the proposer and the coordinators of both countries (FRX-DL-005, FRX-DL-006,
// FRX-DL-011, FRX-DL-014).
let cluster: Cluster;
let th: Member;
let la: Member;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
});
afterAll(async () => cluster.close());

type Notice = {
  type: string;
  referral?: string;
  body: {
    deadline: string;
    level?: number;
    investigationId?: string;
    escalatedTo?: Array<{ participant: string }>;
  };
};
const propose = fixture("investigation.propose");
const investigationId = propose.body.investigationId as string;
const notices = async (m: Member, who: string) =>
  (await inbox(m, who))
    .map((i) => payloadOf<Notice>(i.jws))
    .filter((n) => n.type.startsWith("deadline.") && n.body.investigationId === investigationId);
const deadlinesAt = async (m: Member, who: string) =>
  (
    (await (await m.as(who, `/v1/cases/${encodeURIComponent(propose.case!)}`)).json()) as {
      deadlines: Array<{ machine: string; kind: string; dueAt: string }>;
    }
  ).deadlines;
const at = (iso: string) => [th, la].forEach((m) => m.clock.set(iso));

/** An invitee's consent, to the proposer and the other node's invitee, so both copies keep step. */
async function respond(m: Member, from: string, sequence: number, other: string): Promise<void> {
  const env = Object.assign(fixture("investigation.respond"), {
    id: `01KJQA000000000000000R000${sequence}`,
    from,
    to: [{ participant: "TH:DOE" }, { participant: other }],
    sequence,
    sentAt: m.clock.now().toISOString(),
  });
  const res = await m.submit(m.sign(env));
  expect(res.status, await res.clone().text()).toBe(201);
  const there = m === th ? la : th;
  await eventually(
    async () => (await inbox(there, other)).some((i) => i.messageId === env.id),
    `${from}'s answer at ${other}`,
  );
}

describe("the investigation respond deadline", () => {
  it("is run by the proposer's node and reaches the invitee abroad, then ends when none owes an answer", async () => {
    at("2026-03-02T09:45:00Z");
    const res = await th.submit(th.sign({ ...propose, sentAt: th.clock.now().toISOString() }));
    expect(res.status, await res.clone().text()).toBe(201);
    await eventually(
      async () => (await inbox(la, "LA:MOLSW")).some((i) => i.messageId === propose.id),
      "the proposal at LA:MOLSW",
    );
    // Routine: 10 working days, to the end of Monday 16 March in Bangkok (FRX-DL-003).
    expect(await deadlinesAt(th, "TH:DOE")).toMatchObject([
      { machine: "investigation", kind: "respond", dueAt: "2026-03-16T17:00:00.000Z" },
    ]);
    expect(await deadlinesAt(la, "LA:MOLSW")).toEqual([]);

    at("2026-03-13T12:00:00Z");
    await th.node.scheduler.tick();
    const reminder = await eventually(
      async () => (await notices(la, "LA:MOLSW")).find((n) => n.type === "deadline.reminder"),
      "the respond reminder at LA:MOLSW",
    );
    expect(reminder).toMatchObject({ body: { deadline: "respond", investigationId } });
    expect(reminder.referral).toBeUndefined();

    // Two Thai invitees answer; the Lao ministry does not, so only it is still owed.
    await respond(th, "TH:ATPD", 2, "LA:MOLSW");
    await respond(th, "TH:DOE-REG", 3, "LA:MOLSW");
    at("2026-03-16T17:30:00Z");
    await th.node.scheduler.tick();
    const overdue = (await notices(th, "TH:DOE")).find((n) => n.body.level === 1)!;
    expect(overdue.body.escalatedTo!.map((a) => a.participant).sort()).toEqual([
      "LA:NCC",
      "TH:DOE",
      "TH:NCC",
    ]);
    expect(await notices(th, "TH:ATPD")).toHaveLength(1); // its reminder only
    await eventually(
      async () => (await notices(la, "LA:NCC")).some((n) => n.body.level === 1),
      "the escalation at LA's coordinator",
    );
    await eventually(
      async () => (await notices(la, "LA:MOLSW")).some((n) => n.body.level === 1),
      "the escalation at the invitee that owes the answer",
    );

    await respond(la, "LA:MOLSW", 4, "TH:ATPD");
    await eventually(
      async () => (await deadlinesAt(th, "TH:DOE")).length === 0,
      "the deadline to end once every invitee answered",
    );
  });
});
