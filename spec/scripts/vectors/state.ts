import type { Envelope, Fixture, Vector } from "./envelope.js";

/**
 * State vectors: the record a node holds, an envelope, the sender's relation to the
 * referral or investigation (`actor`), and the verdict with the resulting state.
 */
export function stateVectors(fixture: Fixture): Record<string, Vector> {
  const out: Record<string, Vector> = {};
  const add = (
    name: string,
    description: string,
    machine: string,
    record: unknown,
    envelope: Envelope,
    actor: string,
    expect: Vector["expect"],
  ) => {
    out[`state/${name}.json`] = {
      id: `state/${name}`,
      description,
      machine,
      ...(record ? { record } : {}),
      envelope,
      actor,
      expect,
    };
  };
  /** The record a referral is in before `env` arrives: version = env.sequence - 1. */
  const referralBefore = (env: Envelope, state: string, sentByRecipient: boolean) => {
    const other = env.to[0]!.participant!;
    return {
      referral: env.referral,
      case: env.case,
      state,
      version: (env.sequence ?? 2) - 1,
      referrer: sentByRecipient ? other : env.from,
      recipient: sentByRecipient ? env.from : other,
      urgency: "routine",
      updatedAt: "2026-03-02T09:00:00Z",
    };
  };

  const create = fixture("referral.create");
  add(
    "referral-create-ok",
    "A new referral starts in state received.",
    "referral",
    undefined,
    create,
    "referrer",
    { valid: true, state: "received" },
  );
  const steps: Array<[string, string, boolean, string]> = [
    ["referral.acknowledge", "received", true, "acknowledged"],
    ["referral.accept", "acknowledged", true, "accepted"],
    ["referral.decline", "received", true, "declined"],
    ["referral.redirect", "acknowledged", true, "redirected"],
    ["referral.update", "accepted", true, "in_progress"],
    ["referral.close", "in_progress", true, "closed"],
    ["referral.withdraw", "acknowledged", false, "withdrawn"],
    ["referral.reopen", "closed", false, "in_progress"],
  ];
  for (const [type, from, byRecipient, to] of steps) {
    const env = fixture(type);
    add(
      `${type}-ok`,
      `${type} moves a referral from ${from} to ${to}.`,
      "referral",
      referralBefore(env, from, byRecipient),
      env,
      byRecipient ? "recipient" : "referrer",
      {
        valid: true,
        state: to,
      },
    );
  }
  {
    const env = fixture("referral.accept");
    add(
      "state.referral-unknown-fail",
      "An acceptance for a referral this node has never seen.",
      "referral",
      undefined,
      env,
      "recipient",
      { valid: false, code: "state.referral-unknown" },
    );
  }
  add(
    "state.referral-exists-fail",
    "A second referral.create with the id of an existing referral.",
    "referral",
    referralBefore({ ...create, sequence: 2 }, "received", false),
    create,
    "referrer",
    {
      valid: false,
      code: "state.referral-exists",
    },
  );
  {
    const env = fixture("referral.close");
    add(
      "state.transition-forbidden-fail",
      "A referral cannot be closed before it was accepted.",
      "referral",
      referralBefore(env, "received", true),
      env,
      "recipient",
      {
        valid: false,
        code: "state.transition-forbidden",
      },
    );
  }
  {
    // The referral as the recipient's acceptance finds it; the acceptance comes from the
    // referrer instead, addressed to the recipient, so `from` and `actor` agree.
    const accept = fixture("referral.accept");
    const record = referralBefore(accept, "acknowledged", true);
    const env: Envelope = {
      ...accept,
      from: record.referrer,
      to: [{ participant: record.recipient }],
    };
    add(
      "state.actor-forbidden-fail",
      "Only the recipient accepts a referral; here the referrer (TH:DOE, the envelope's `from`) tries.",
      "referral",
      record,
      env,
      "referrer",
      {
        valid: false,
        code: "state.actor-forbidden",
      },
    );
  }
  {
    const env = fixture("referral.accept");
    const record = {
      ...referralBefore(env, "acknowledged", true),
      version: (env.sequence ?? 2) + 1,
    };
    add(
      "state.sequence-conflict-fail",
      "The acceptance was written against an older version of the referral.",
      "referral",
      record,
      env,
      "recipient",
      {
        valid: false,
        code: "state.sequence-conflict",
      },
    );
  }

  // Investigation: consent from every invitee agrees it; the host's decline ends it.
  const propose = fixture("investigation.propose");
  add(
    "investigation-propose-ok",
    "A proposal starts in state proposed.",
    "investigation",
    undefined,
    propose,
    "proposer",
    { valid: true, state: "proposed" },
  );
  const respond = fixture("investigation.respond");
  const invitees = (propose.body.participants as string[]).filter((p) => p !== propose.from);
  const before = (answers: Record<string, string>) => ({
    investigation: respond.body.investigationId,
    case: respond.case,
    state: "proposed",
    version: (respond.sequence ?? 2) - 1,
    proposer: propose.from,
    responses: Object.fromEntries(invitees.map((p) => [p, answers[p] ?? "pending"])),
    host: invitees.find((p) => p.startsWith(`${String(propose.body.hostCountry)}:`)),
    updatedAt: "2026-03-02T09:00:00Z",
  });
  const others = Object.fromEntries(
    invitees.filter((p) => p !== respond.from).map((p) => [p, "consent"]),
  );
  add(
    "investigation-respond-last-consent-ok",
    "The last invitee's consent agrees the investigation.",
    "investigation",
    before(others),
    respond,
    "participant",
    { valid: true, state: "agreed" },
  );
  add(
    "investigation-respond-first-consent-ok",
    "One consent while others are pending leaves it proposed.",
    "investigation",
    before({}),
    respond,
    "participant",
    { valid: true, state: "proposed" },
  );
  {
    const env = {
      ...respond,
      body: { ...respond.body, response: "decline", reason: "No capacity in the proposed period." },
    };
    const host = invitees.find((p) => p.startsWith(`${String(propose.body.hostCountry)}:`))!;
    add(
      "investigation-host-decline-ok",
      "The host state's decline ends the proposal.",
      "investigation",
      before({}),
      { ...env, from: host },
      "participant",
      { valid: true, state: "declined" },
    );
  }
  {
    const env = fixture("investigation.plan");
    add(
      "investigation-plan-too-early-fail",
      "No plan before every invitee has agreed.",
      "investigation",
      { ...before({}), investigation: env.body.investigationId, version: (env.sequence ?? 2) - 1 },
      env,
      "proposer",
      {
        valid: false,
        code: "state.transition-forbidden",
      },
    );
  }
  {
    // Remedy claims (machines/remedy.json): the record as a node keeps it, then an update.
    const update = fixture("remedy.update");
    const claimRecord = (state: string, paid: string) => ({
      claimRef: update.body.claimRef,
      case: update.case,
      personRef: "pp_mQ96itn6eBQBe2Xxox6OZwby",
      kind: "UNPAID_WAGES",
      forum: "administrative",
      claimant: update.from,
      recipients: update.to.map((a) => a.participant!),
      state,
      currency: "THB",
      awarded: { amount: "54000.00", currency: "THB" },
      paid,
      payments: [],
      history: [],
      updatedAt: "2026-03-02T09:00:00Z",
    });
    add(
      "remedy-instalment-ok",
      "An instalment on an award: the total paid rises, below the award.",
      "remedy",
      claimRecord("awarded", "0"),
      update,
      "claimant",
      { valid: true, state: "partially_paid" },
    );
    add(
      "remedy-currency-fail",
      "A payment in another currency than the claim's.",
      "remedy",
      claimRecord("awarded", "0"),
      {
        ...update,
        body: { ...update.body, amountPaid: { amount: "30000.00", currency: "LAK" } },
      },
      "claimant",
      { valid: false, code: "state.remedy-currency-mismatch" },
    );
    add(
      "remedy-overpaid-fail",
      "More paid than awarded.",
      "remedy",
      claimRecord("awarded", "0"),
      {
        ...update,
        body: { ...update.body, amountPaid: { amount: "60000.00", currency: "THB" } },
      },
      "claimant",
      { valid: false, code: "state.remedy-amount-invalid" },
    );
    add(
      "remedy-paid-from-filed-fail",
      "A claim not yet awarded cannot be paid.",
      "remedy",
      { ...claimRecord("filed", "0"), awarded: undefined },
      update,
      "claimant",
      { valid: false, code: "state.transition-forbidden" },
    );
    // Payment due dates (FRX-REM-014): a schedule adds up to the award, due instants increase.
    const thb = (amount: string) => ({ amount, currency: "THB" });
    const scheduled = (schedule: unknown[]) => ({ ...update, body: { ...update.body, schedule } });
    add(
      "remedy-schedule-ok",
      "A payment with the plan for the rest: instalments that add up to the award, in time order.",
      "remedy",
      claimRecord("awarded", "0"),
      scheduled([
        { dueAt: "2026-03-31T10:00:00Z", amount: thb("30000.00") },
        { dueAt: "2026-04-30T10:00:00Z", amount: thb("24000") },
      ]),
      "claimant",
      { valid: true, state: "partially_paid" },
    );
    add(
      "remedy-schedule-short-fail",
      "A schedule whose instalments add up to less than the award.",
      "remedy",
      claimRecord("awarded", "0"),
      scheduled([{ dueAt: "2026-03-31T10:00:00Z", amount: thb("30000.00") }]),
      "claimant",
      { valid: false, code: "state.remedy-schedule-invalid" },
    );
    add(
      "remedy-schedule-unordered-fail",
      "A schedule whose second instalment falls due before its first.",
      "remedy",
      claimRecord("awarded", "0"),
      scheduled([
        { dueAt: "2026-04-30T10:00:00Z", amount: thb("30000.00") },
        { dueAt: "2026-03-31T10:00:00Z", amount: thb("24000") },
      ]),
      "claimant",
      { valid: false, code: "state.remedy-schedule-invalid" },
    );
  }
  // Deadline escalations come only from the recipient's node (FRX-DL-012): the node is the
  // actor `node`; anyone else, a level-1 notice included, is no actor at all.
  const overdue = fixture("deadline.overdue");
  const escalated = {
    referral: overdue.referral,
    case: overdue.case,
    state: "received",
    version: 1,
    referrer: "LA:MOLSW",
    recipient: overdue.to[0]!.participant!,
    urgency: "routine",
    updatedAt: "2026-03-02T09:00:00Z",
  };
  add(
    "deadline-overdue-level2-by-node-ok",
    "The recipient's node escalates an unanswered referral a second time (level 2): it expires.",
    "referral",
    escalated,
    { ...overdue, body: { ...overdue.body, level: 2 } },
    "node",
    { valid: true, state: "expired" },
  );
  add(
    "deadline-overdue-level1-by-outsider-fail",
    "A level-1 escalation from a node that is not the recipient's (here the referrer's): no actor of the referral, refused although level 1 changes no state.",
    "referral",
    escalated,
    { ...overdue, from: "LA:NODE", body: { ...overdue.body, level: 1 } },
    "outsider",
    { valid: false, code: "state.actor-forbidden" },
  );
  return out;
}
