import { MessageType } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";
import { crossBorderEscalation } from "../capabilities.js";

/** The demo's service level for `risk_to_life` referrals (see `demoConfig`): 3.6 s, not 1 h. */
export const ACK_SECONDS = 3.6;
const WAIT_MS = 20_000;

/**
 * Action 5, no case overlooked: TH:DOE refers a threat to the deckhand's family to the Lao
 * police as `risk_to_life`. Nobody at LA:ATD acknowledges within the (demo) hour: LA's node,
 * which runs the deadline, reminds LA:ATD, then escalates to the Thai referrer and the Lao
 * coordinator. LA:ATD then acknowledges, accepts, reports progress and closes the referral.
 */
export async function escalate(s: Scene): Promise<void> {
  s.tl.section(
    "Action 5",
    `a missed deadline escalates across the border (demo SLA: acknowledge risk_to_life in ${ACK_SECONDS} s)`,
  );
  const env = fixtureEnvelope(MessageType.ReferralCreate);
  const body = env.body as {
    persons: Array<Record<string, unknown>>;
    consent: { audiences: string[] };
  };
  for (const p of body.persons) {
    delete p.identified;
    delete p.health;
  }
  body.consent.audiences = [...body.consent.audiences, "foreign_authorities"];
  const doe = s.as("TH:DOE");
  const ref = await doe.referrals.create({
    ...env,
    purpose: "criminal_investigation_trafficking",
    tier: "T1",
    case: s.caseId,
    to: [{ participant: "LA:ATD" }],
    body: {
      ...body,
      track: "criminal",
      urgency: "risk_to_life",
      requestedServices: ["Legal"],
      summary:
        "The recruiter's agent in Savannakhet threatened the deckhand's family yesterday after he gave his statement; protection needed now.",
    },
  } as never);
  s.tl.sent("TH:DOE", ["LA:ATD"], MessageType.ReferralCreate, "✓ queued for LA · risk_to_life");
  await s.arrives(ref.messageId, ["LA:ATD"], "TH:DOE", MessageType.ReferralCreate);
  s.tl.note("LA:ATD reads it but nobody acknowledges it…");
  const ofIt = (m: { message: { referral?: string } }) => m.message.referral === ref.referral;
  for (const type of [MessageType.DeadlineReminder, MessageType.DeadlineOverdue])
    if (!(await s.notice("LA:ATD", type, ofIt, WAIT_MS)))
      throw new Error(`LA:ATD got no ${type} from LA's node within ${WAIT_MS} ms`);

  const capable = await crossBorderEscalation(s);
  if (!capable.ok) s.tl.skipped("the escalation to TH:DOE from LA's node", capable.why);
  else {
    const fromLa = await s.notice(
      "TH:DOE",
      MessageType.DeadlineOverdue,
      (m) => ofIt(m) && m.message.from === "LA:NODE",
      WAIT_MS,
    );
    if (!fromLa)
      throw new Error(
        `TH:DOE, the referrer, got no deadline.overdue from LA:NODE within ${WAIT_MS} ms: the node that runs the deadline must escalate to the referrer abroad (FRX-DL-006)`,
      );
  }

  const atd = s.as("LA:ATD");
  const steps: Array<[MessageType, () => Promise<{ messageId: string }>, string]> = [
    [
      MessageType.ReferralAcknowledge,
      () =>
        atd.referrals.acknowledge(ref, {
          assignedHandlerRole: "Savannakhet provincial police, anti-trafficking unit",
          note: "Acknowledged late; a patrol is at the family's house.",
        }),
      "✓ late, after the escalation",
    ],
    [
      MessageType.ReferralAccept,
      () =>
        atd.referrals.accept(ref, { note: "Family under protection; the agent is being sought." }),
      "✓ accepted",
    ],
    [
      MessageType.ReferralUpdate,
      () =>
        atd.referrals.update(ref, {
          progress: "The agent was arrested in Kaysone Phomvihane; the family is safe.",
          nextUpdateDue: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
        }),
      "✓ in progress",
    ],
    [
      MessageType.ReferralClose,
      () =>
        atd.referrals.close(ref, {
          outcome: "investigation_opened",
          note: "Criminal investigation opened against the recruiter's agent.",
        }),
      "✓ closed: investigation_opened",
    ],
  ];
  for (const [type, send, outcome] of steps) {
    const r = await send();
    s.tl.sent("LA:ATD", ["TH:DOE"], type, outcome);
    await s.arrives(r.messageId, ["TH:DOE"], "LA:ATD", type);
  }
  const view = await doe.cases.get(s.caseId);
  s.tl.note(
    `TH:DOE's view of the referral: ${view.referrals.find((r) => r.referral === ref.referral)?.state}`,
  );
}
