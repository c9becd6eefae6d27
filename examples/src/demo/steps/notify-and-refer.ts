import { MessageType } from "@frx/spec";
import { fixtureBody, fixtureEnvelope, type Scene } from "../context.js";

const TH_CASE_PARTIES = ["TH:ATPD", "TH:DOE-REG", "TH:NCC", "LA:MOLSW", "KH:MOLVT"];

/** Action 1: the Thai labour inspectorate tells every authority concerned, at home and abroad. */
export async function notifyCase(s: Scene): Promise<void> {
  s.tl.section(
    "Action 1",
    "a case is identified: every authority concerned is told, no worker identity needed",
  );
  const id = await s.send("TH:DOE", MessageType.CaseNotify, {
    ...fixtureEnvelope(MessageType.CaseNotify),
    case: s.caseId,
    to: TH_CASE_PARTIES.map((participant) => ({ participant })),
  });
  await s.arrives(id, TH_CASE_PARTIES, "TH:DOE", MessageType.CaseNotify);
}

/** Action 5: referrals, acknowledged and decided under deadlines; a decline and a redirect. */
export async function refer(s: Scene): Promise<void> {
  s.tl.section(
    "Action 5",
    "referral so that no case is overlooked: acknowledge, accept, decline, redirect",
  );
  const doe = s.as("TH:DOE");

  // The worker's consent, recorded with the agency that will hold his data.
  const consent = await s.send("TH:DOE", MessageType.ConsentRecord, {
    ...fixtureEnvelope(MessageType.ConsentRecord),
    case: s.caseId,
    to: [{ participant: "TH:DSDW" }],
  });
  await s.arrives(consent, ["TH:DSDW"], "TH:DOE", MessageType.ConsentRecord);

  // An identified worker to Thai victim services, with consent (tier T2).
  const shelter = await doe.referrals.create({
    ...fixtureEnvelope(MessageType.ReferralCreate),
    case: s.caseId,
    to: [{ participant: "TH:DSDW" }],
  } as never);
  s.tl.sent(
    "TH:DOE",
    ["TH:DSDW"],
    MessageType.ReferralCreate,
    `✓ receipt TH verified · delivered TH:DSDW (T2, consent to services and disclosure)`,
  );
  s.refs.set("shelter", shelter);
  const dsdw = s.as("TH:DSDW");
  await dsdw.referrals.acknowledge(shelter, fixtureBody(MessageType.ReferralAcknowledge));
  s.tl.sent("TH:DSDW", ["TH:DOE"], MessageType.ReferralAcknowledge, "✓ handler assigned");
  await dsdw.referrals.accept(shelter, fixtureBody(MessageType.ReferralAccept));
  s.tl.sent("TH:DSDW", ["TH:DOE"], MessageType.ReferralAccept, "✓ shelter place ready");

  // The Lao worker's return and wage claim, across the border, pseudonymous (tier T1).
  const crossBorder = fixtureEnvelope(MessageType.ReferralCreate);
  const body = crossBorder.body as {
    persons: Array<Record<string, unknown>>;
    consent: { audiences: string[]; withheldItems?: string[] };
    track: string;
    requestedServices: string[];
  };
  for (const p of body.persons) {
    delete p.identified;
    delete p.health;
  }
  body.consent.audiences = [...body.consent.audiences, "foreign_authorities"];
  body.requestedServices = ["Repatriation", "Legal"];
  const laRef = await doe.referrals.create({
    ...crossBorder,
    tier: "T1",
    case: s.caseId,
    to: [{ participant: "LA:MOLSW" }],
  } as never);
  s.tl.sent(
    "TH:DOE",
    ["LA:MOLSW"],
    MessageType.ReferralCreate,
    "✓ receipt TH verified · queued for LA (T1: pseudonym, no identity)",
  );
  await s.arrives(laRef.messageId, ["LA:MOLSW"], "TH:DOE", MessageType.ReferralCreate);
  const molsw = s.as("LA:MOLSW");
  const ack = await molsw.referrals.acknowledge(laRef, {
    assignedHandlerRole: "Savannakhet provincial labour office",
    note: "Family traced; reception at Savannakhet bridge arranged.",
  });
  s.tl.sent(
    "LA:MOLSW",
    ["TH:DOE"],
    MessageType.ReferralAcknowledge,
    "✓ receipt LA verified · queued for TH",
  );
  await s.arrives(ack.messageId, ["TH:DOE"], "LA:MOLSW", MessageType.ReferralAcknowledge);
  const acc = await molsw.referrals.accept(laRef, {
    note: "Return on 20 March; wage claim followed from Vientiane.",
  });
  s.tl.sent("LA:MOLSW", ["TH:DOE"], MessageType.ReferralAccept, "✓ accepted across the border");
  await s.arrives(acc.messageId, ["TH:DOE"], "LA:MOLSW", MessageType.ReferralAccept);

  // Cambodian workers: first to the coordination committee, which redirects to the ministry.
  const kh = fixtureEnvelope(MessageType.ReferralCreate);
  const khBody = kh.body as typeof body;
  khBody.persons = khBody.persons.map((p) => ({
    personRef: "pp_Kh7sPq2Lm9Xr4Tw8Yz3Vb6Nc",
    citizenship: ["KH"],
    ageBand: "21-23",
    gender: "Masculine",
    supportNeeds: p.supportNeeds,
  }));
  khBody.consent.audiences = ["domestic_authorities", "service_providers", "foreign_authorities"];
  khBody.consent.withheldItems = [];
  const toNcct = await doe.referrals.create({
    ...kh,
    tier: "T1",
    case: s.caseId,
    to: [{ participant: "KH:NCCT" }],
  } as never);
  s.tl.sent("TH:DOE", ["KH:NCCT"], MessageType.ReferralCreate, "✓ queued for KH");
  await s.arrives(toNcct.messageId, ["KH:NCCT"], "TH:DOE", MessageType.ReferralCreate);
  const redirect = await s.as("KH:NCCT").referrals.redirect(toNcct, {
    to: { participant: "KH:MOLVT" },
    reason: "no_jurisdiction",
    note: "Wage claims of Cambodian migrant workers are handled by the labour ministry.",
  });
  s.tl.sent(
    "KH:NCCT",
    ["TH:DOE"],
    MessageType.ReferralRedirect,
    "✓ names the competent agency: KH:MOLVT",
  );
  await s.arrives(redirect.messageId, ["TH:DOE"], "KH:NCCT", MessageType.ReferralRedirect);
  const toMolvt = await doe.referrals.create({
    ...kh,
    tier: "T1",
    case: s.caseId,
    to: [{ participant: "KH:MOLVT" }],
  } as never);
  s.tl.sent(
    "TH:DOE",
    ["KH:MOLVT"],
    MessageType.ReferralCreate,
    "✓ referred again, to the competent agency",
  );
  await s.arrives(toMolvt.messageId, ["KH:MOLVT"], "TH:DOE", MessageType.ReferralCreate);
  const khAcc = await s.as("KH:MOLVT").referrals.accept(toMolvt, {
    note: "Provincial labour department will meet the workers on return.",
  });
  s.tl.sent("KH:MOLVT", ["TH:DOE"], MessageType.ReferralAccept, "✓ accepted");
  await s.arrives(khAcc.messageId, ["TH:DOE"], "KH:MOLVT", MessageType.ReferralAccept);

  // A referral to the Lao police that lacks what they need: declined with a coded reason.
  const police = await doe.referrals.create({
    ...crossBorder,
    purpose: "criminal_investigation_trafficking",
    tier: "T1",
    referral: undefined,
    case: s.caseId,
    to: [{ participant: "LA:ATD" }],
    body: { ...body, track: "criminal" },
  } as never);
  s.tl.sent("TH:DOE", ["LA:ATD"], MessageType.ReferralCreate, "✓ queued for LA");
  await s.arrives(police.messageId, ["LA:ATD"], "TH:DOE", MessageType.ReferralCreate);
  const decline = await s.as("LA:ATD").referrals.decline(police, {
    reason: "insufficient_information",
    note: "Send the recruiter's details over the criminal channel (evidence.provide, T3) first.",
  });
  s.tl.sent(
    "LA:ATD",
    ["TH:DOE"],
    MessageType.ReferralDecline,
    "✓ declined: insufficient_information",
  );
  await s.arrives(decline.messageId, ["TH:DOE"], "LA:ATD", MessageType.ReferralDecline);

  // Referred to the Thai police by mistake: they hold the case already. Withdrawn.
  const dup = await doe.referrals.create({
    ...crossBorder,
    purpose: "criminal_investigation_trafficking",
    tier: "T1",
    case: s.caseId,
    to: [{ participant: "TH:ATPD" }],
    body: { ...body, track: "criminal" },
  } as never);
  s.tl.sent("TH:DOE", ["TH:ATPD"], MessageType.ReferralCreate, "✓ delivered TH:ATPD");
  const withdraw = await doe.referrals.withdraw(dup, fixtureBody(MessageType.ReferralWithdraw));
  s.tl.sent("TH:DOE", ["TH:ATPD"], MessageType.ReferralWithdraw, "✓ withdrawn: duplicate");
  await s.arrives(withdraw.messageId, ["TH:ATPD"], "TH:DOE", MessageType.ReferralWithdraw);
}

/** Action 9: the mapping of mandates, used: route to "the agency in LA able to revoke a recruitment licence". */
export async function routeByMandate(s: Scene): Promise<void> {
  s.tl.section("Action 9", "mandates as data: routing by power across the border");
  const query = fixtureEnvelope(MessageType.LicenceQuery);
  const q = await s.send("TH:DOE-REG", MessageType.LicenceQuery, {
    ...query,
    to: [{ node: "LA", power: "licence_revocation" }],
  });
  await s.arrives(q, ["LA:DOSM"], "TH:DOE-REG", MessageType.LicenceQuery);
  s.tl.note(
    "LA's node resolved {node: LA, power: licence_revocation} to LA:DOSM from its signed directory",
  );
  const status = fixtureEnvelope(MessageType.LicenceStatus);
  (status.body.licence as Record<string, unknown>).issuer = "LA:DOSM";
  const a = await s.send("LA:DOSM", MessageType.LicenceStatus, {
    ...status,
    inReplyTo: q,
    to: [{ participant: "TH:DOE-REG" }],
  });
  await s.arrives(a, ["TH:DOE-REG"], "LA:DOSM", MessageType.LicenceStatus);
}
