import { MessageType, type AgencyMessageType } from "@frx/spec";
import { fixtureBody, fixtureEnvelope, type Scene } from "../context.js";

/** Action 3: the police ask the inspectorate for evidence; it comes with a content-addressed file. */
export async function shareEvidence(s: Scene): Promise<void> {
  s.tl.section(
    "Action 3",
    "share data and evidence: request, provision with an attachment, digest verified",
  );
  const req = await s.send("TH:ATPD", MessageType.EvidenceRequest, {
    ...fixtureEnvelope(MessageType.EvidenceRequest),
    case: s.caseId,
    to: [{ participant: "TH:DOE" }],
  });
  await s.arrives(req, ["TH:DOE"], "TH:ATPD", MessageType.EvidenceRequest);
  const ledger = new TextEncoder().encode(
    "Chok Anan 21 wage ledger (scan transcript)\n2025-07: 0 THB x 10 deckhands\n2025-08: 0 THB x 10 deckhands\n... to 2026-02: 0 THB\n",
  );
  const file = await s.as("TH:DOE").attachments.upload(ledger, "text/plain");
  s.tl.note(
    `TH:DOE uploaded the wage ledger: sha256 ${file.sha256.slice(0, 16)}…, ${file.size} bytes`,
  );
  const provide = fixtureEnvelope(MessageType.EvidenceProvide);
  const items = provide.body.items as Array<Record<string, unknown>>;
  items[0] = { ...items[0], sha256: file.sha256, mediaType: file.mediaType, size: file.size };
  const sent = await s.send("TH:DOE", MessageType.EvidenceProvide, {
    ...provide,
    inReplyTo: req,
    case: s.caseId,
    to: [{ participant: "TH:ATPD" }],
    body: { ...provide.body, items: [items[0]] },
    attachments: [file],
  });
  await s.arrives(sent, ["TH:ATPD"], "TH:DOE", MessageType.EvidenceProvide);
  const got = await (await s.as("TH:ATPD").attachments.download(file.sha256)).bytes();
  s.tl.note(
    `TH:ATPD downloaded ${got.byteLength} bytes; SHA-256 matches the envelope's descriptor`,
  );
  // The passport photographs show identity pages: not without the workers' consent.
  const refuse = await s.send("TH:DOE", MessageType.EvidenceRefuse, {
    ...fixtureEnvelope(MessageType.EvidenceRefuse),
    inReplyTo: req,
    case: s.caseId,
    to: [{ participant: "TH:ATPD" }],
  });
  await s.arrives(refuse, ["TH:ATPD"], "TH:DOE", MessageType.EvidenceRefuse);
}

/** Action 4: a joint investigation on the vessel, hosted by Thailand, with Lao observers. */
export async function investigateJointly(s: Scene): Promise<void> {
  s.tl.section(
    "Action 4",
    "a joint investigation: propose, every invitee consents, plan, report, close",
  );
  const parties = ["TH:DOE", "TH:ATPD", "TH:DOE-REG", "LA:MOLSW"];
  const propose = fixtureEnvelope(MessageType.InvestigationPropose);
  const investigationId = String(propose.body.investigationId);
  let sequence = 1;
  const step = async (
    from: string,
    type: AgencyMessageType,
    env: ReturnType<typeof fixtureEnvelope>,
  ) => {
    const others = parties.filter((p) => p !== from);
    const id = await s.send(from, type, {
      ...env,
      case: s.caseId,
      sequence,
      to: others.map((participant) => ({ participant })),
      body: { ...env.body, investigationId },
    });
    sequence++;
    // Every party's node sees every move, so each can check the next one's sequence.
    await s.arrives(id, others, from, type);
  };
  await step("TH:DOE", MessageType.InvestigationPropose, {
    ...propose,
    body: { ...propose.body, participants: parties },
  });
  for (const who of ["TH:ATPD", "TH:DOE-REG", "LA:MOLSW"]) {
    await step(who, MessageType.InvestigationRespond, {
      ...fixtureEnvelope(MessageType.InvestigationRespond),
      body: { ...fixtureBody(MessageType.InvestigationRespond), investigationId },
    });
  }
  const view = await s.as("TH:DOE").cases.get(s.caseId);
  s.tl.note(
    `investigation ${investigationId.slice(0, 10)}… is ${view.investigations[0]?.state} at TH`,
  );
  await step(
    "TH:DOE",
    MessageType.InvestigationPlan,
    fixtureEnvelope(MessageType.InvestigationPlan),
  );
  await step(
    "TH:DOE",
    MessageType.InvestigationReport,
    fixtureEnvelope(MessageType.InvestigationReport),
  );
  await step(
    "TH:DOE",
    MessageType.InvestigationClose,
    fixtureEnvelope(MessageType.InvestigationClose),
  );
  const laView = await s.as("LA:MOLSW").cases.get(s.caseId);
  s.tl.note(`the same investigation is ${laView.investigations[0]?.state} at LA`);
}
