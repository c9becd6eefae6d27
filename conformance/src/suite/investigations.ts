import { check, same } from "../harness/check.js";
import type { Envelope } from "../harness/fixtures.js";
import type { Harness } from "../harness/harness.js";
import { investigationView } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";
import { makeParty } from "./parties.js";

const t = section("state-machines/investigations", "core");

interface Thread {
  caseId: string;
  id: string;
  propose: Envelope;
}

/** LI proposes an investigation to POL and VS (mode parallel unless said otherwise). */
async function propose(h: Harness, body: Record<string, unknown> = {}): Promise<Thread> {
  const base = h.envelope("investigation-propose-ok", { sequence: 1 });
  const env = { ...base, body: { ...base.body, ...body } };
  await h.accepted(h.sign(env));
  return { caseId: env.case!, id: String(env.body.investigationId), propose: env };
}

/** A message of the thread from a fixture: same case and investigation, this sequence. */
function move(
  h: Harness,
  th: Thread,
  fixture: string,
  sequence: number,
  o: Record<string, unknown> = {},
): Envelope {
  const { body, ...members } = o;
  const base = h.envelope(fixture, { case: th.caseId, sequence, ...members });
  return { ...base, body: { ...base.body, investigationId: th.id, ...((body as object) ?? {}) } };
}

const from = (h: Harness, name: "LI" | "POL" | "VS" | "IMM", to: "LI" | "POL" = "LI") => ({
  from: h.id(name),
  to: [{ participant: h.id(to) }],
});
const decline = { body: { response: "decline" } };

async function step(h: Harness, th: Thread, env: Envelope, state: string): Promise<void> {
  await h.accepted(h.sign(env));
  const view = await investigationView(h, "LI", th.caseId, th.id);
  same(
    [view.state, view.version],
    [state, env.sequence],
    `investigation state and version after ${env.type}`,
  );
}

export const investigationTests = [
  t(
    "FRX-INV-001",
    async (h) => {
      const th = await propose(h);
      same(
        (await investigationView(h, "LI", th.caseId, th.id)).state,
        "proposed",
        "state after investigation.propose",
      );
      await step(h, th, move(h, th, "investigation-respond-ok", 2), "proposed");
      await step(
        h,
        th,
        move(h, th, "investigation-respond-ok", 3, { ...from(h, "VS"), ...decline }),
        "agreed",
      );
      await step(h, th, move(h, th, "investigation-plan-ok", 4), "planned");
      await step(h, th, move(h, th, "investigation-report-ok", 5), "reported");
      await step(h, th, move(h, th, "investigation-close-ok", 6), "closed");
    },
    { covers: ["FRX-INV-007"] },
  ),

  t("FRX-INV-007", async (h) => {
    // A joint investigation hosted here: the host invitee's decline ends it at once.
    const joint = await propose(h, { mode: "joint", hostCountry: h.node.id });
    await step(h, joint, move(h, joint, "investigation-respond-ok", 2, decline), "declined");
    // Every invitee declines a parallel one: declined once the last has answered.
    const th = await propose(h);
    await step(h, th, move(h, th, "investigation-respond-ok", 2, decline), "proposed");
    await step(
      h,
      th,
      move(h, th, "investigation-respond-ok", 3, { ...from(h, "VS"), ...decline }),
      "declined",
    );
  }),

  t("FRX-INV-002", async (h) => {
    const th = await propose(h);
    await h.refused(h.sign({ ...th.propose, id: ulid() }), "state.referral-exists");
  }),

  t("FRX-INV-003", async (h) => {
    const th = await propose(h);
    await h.refused(
      h.sign(move(h, th, "investigation-respond-ok", 2, { body: { investigationId: ulid() } })),
      "state.referral-unknown",
    );
  }),

  t("FRX-INV-004", async (h) => {
    const th = await propose(h);
    await h.refused(h.sign(move(h, th, "investigation-plan-ok", 2)), "state.transition-forbidden");
    await step(h, th, move(h, th, "investigation-respond-ok", 2), "proposed");
    await h.refused(
      h.sign(move(h, th, "investigation-respond-ok", 3)),
      "state.transition-forbidden",
    );
  }),

  t("FRX-INV-005", async (h) => {
    const th = await propose(h);
    // A party to the case (FRX-MSG-010), but neither proposer nor invitee.
    await makeParty(h, th.caseId, "IMM");
    await h.refused(
      h.sign(move(h, th, "investigation-respond-ok", 2, from(h, "IMM"))),
      "state.actor-forbidden",
    );
    await step(h, th, move(h, th, "investigation-respond-ok", 2), "proposed");
    await step(h, th, move(h, th, "investigation-respond-ok", 3, from(h, "VS")), "agreed");
    await step(h, th, move(h, th, "investigation-plan-ok", 4), "planned");
    await step(h, th, move(h, th, "investigation-report-ok", 5), "reported");
    // Only the proposer closes.
    const byInvitee = { ...from(h, "POL"), to: [{ participant: h.id("LI") }] };
    await h.refused(
      h.sign(move(h, th, "investigation-close-ok", 6, byInvitee)),
      "state.actor-forbidden",
    );
  }),

  t("FRX-INV-006", async (h) => {
    const th = await propose(h);
    await h.refused(h.sign(move(h, th, "investigation-respond-ok", 3)), "state.sequence-conflict");
    await h.refused(h.sign(move(h, th, "investigation-respond-ok", 1)), "state.sequence-conflict");
  }),

  t("FRX-DL-014", async (h) => {
    // LI invites POL and VS: the respond deadline runs while either owes an answer.
    const th = await propose(h);
    const open = async () => {
      const r = await h.call("GET", `/v1/cases/${encodeURIComponent(th.caseId)}`, { as: "LI" });
      check(r.status === 200, `GET the case as LI answered ${r.status}`);
      return (
        r.json<{ deadlines?: Array<{ machine: string; kind: string }> }>().deadlines ?? []
      ).filter((d) => d.machine === "investigation" && d.kind === "respond").length;
    };
    check((await open()) > 0, "no respond deadline runs after the proposal");
    await step(h, th, move(h, th, "investigation-respond-ok", 2), "proposed");
    check((await open()) > 0, "the respond deadline ended while VS still owed an answer");
    await h.accepted(h.sign(move(h, th, "investigation-respond-ok", 3, from(h, "VS"))));
    same(await open(), 0, "respond deadlines running once no invitee owes an answer");
  }),
];
