import { isFrxClientError } from "@frx/sdk";
import { MessageType } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";

/**
 * The seed's firewall: labour inspection must not serve immigration enforcement. An update
 * carrying a worker's immigration status and passport number, addressed to a police unit with
 * immigration functions, is refused — first by the SDK before it leaves the agency, then (with
 * the SDK's check switched off) by the node itself — each naming the JSON pointers. Then it
 * holds for the cast's multi-role ministries and for evidence (`firewallByCapacity`).
 */
export async function firewall(s: Scene): Promise<void> {
  s.tl.section("Firewall", "an immigration-tagged field is blocked, with the pointer");
  const update = fixtureEnvelope(MessageType.ReferralCreate);
  const body = update.body as { persons: Array<Record<string, unknown>> };
  const person: Record<string, unknown> = {
    ...body.persons[0]!,
    immigration: { status: "irregular", passportNumber: "LA1234567" },
  };
  delete person.identified;
  delete person.health;
  const input = {
    purpose: "criminal_investigation_trafficking",
    legalBasis: { code: "public_task" },
    tier: "T2",
    case: s.caseId,
    to: [{ participant: "TH:IMB" }],
    body: { persons: [person], note: "Status of the Lao deckhand, for your records." },
  };
  for (const [label, client] of [
    ["the SDK's local check", s.as("TH:DOE")],
    ["the node (SDK check off)", s.fed.clientWithoutPrecheck("TH:DOE")],
  ] as const) {
    try {
      await client.send(MessageType.CaseNotify, {
        ...input,
        body: { ...fixtureEnvelope(MessageType.CaseNotify).body, persons: [person] },
      } as never);
      throw new Error("the firewall let an immigration field through");
    } catch (error) {
      if (!isFrxClientError(error)) throw error;
      s.tl.refused(
        "TH:DOE",
        ["TH:IMB"],
        MessageType.CaseNotify,
        `${error.code} (by ${label})`,
        [
          ...new Set(
            error.violations
              .filter((v) => v.code.startsWith("policy."))
              .map((v) => `${v.pointer} ${v.code}`),
          ),
        ].slice(0, 4),
      );
    }
  }
}

/**
 * LA:MOLSW and KH:MOLVT are labour inspectorates *and* victim services. A passport number for
 * victim assistance, sent to either by participant id, addresses no single capacity, so its
 * inspectors would see it: refused (FRX-POL-037). Only `{ node, role: "victim_services" }`
 * would address the ministry as victim services. And a worker's statement is person-level
 * evidence: refused to the immigration unit whatever else it is (FRX-POL-038).
 */
export async function firewallByCapacity(s: Scene): Promise<void> {
  s.tl.section(
    "Firewall",
    "multi-role ministries get no passport as inspectors; no statement reaches immigration",
  );
  const client = s.fed.clientWithoutPrecheck("TH:DOE");
  const notify = fixtureEnvelope(MessageType.CaseNotify).body as {
    persons: Array<Record<string, unknown>>;
  };
  const referral = fixtureEnvelope(MessageType.ReferralCreate).body as {
    persons: Array<Record<string, unknown>>;
  };
  const person: Record<string, unknown> = {
    ...referral.persons[0]!,
    immigration: { passportNumber: "LA1234567" },
  };
  delete person.identified;
  delete person.health;
  for (const ministry of ["LA:MOLSW", "KH:MOLVT"]) {
    await refusedBy(s, ministry, MessageType.CaseNotify, () =>
      client.send(MessageType.CaseNotify, {
        purpose: "victim_assistance",
        legalBasis: { code: "consent" },
        tier: "T2",
        case: s.caseId,
        to: [{ participant: ministry }],
        body: { ...notify, persons: [person] },
      } as never),
    );
  }
  const evidence = fixtureEnvelope(MessageType.EvidenceProvide);
  const items = (evidence.body as { items: Array<Record<string, unknown>> }).items;
  await refusedBy(s, "TH:IMB", MessageType.EvidenceProvide, () =>
    client.send(MessageType.EvidenceProvide, {
      purpose: "criminal_investigation_trafficking",
      legalBasis: { code: "legal_obligation", reference: "ACTIP (2015)" },
      tier: "T2",
      case: s.caseId,
      to: [{ participant: "TH:IMB" }],
      body: { channel: "administrative", items: [{ ...items[0], kind: "worker_statement" }] },
    } as never),
  );
}

async function refusedBy(
  s: Scene,
  to: string,
  type: MessageType,
  send: () => Promise<unknown>,
): Promise<void> {
  try {
    await send();
    throw new Error(`the firewall let ${type} through to ${to}`);
  } catch (error) {
    if (!isFrxClientError(error)) throw error;
    s.tl.refused(
      "TH:DOE",
      [to],
      type,
      `${error.code} (by the node)`,
      [
        ...new Set(
          error.violations
            .filter((v) => v.code === error.code)
            .map((v) => `${v.pointer} ${v.code}`),
        ),
      ].slice(0, 2),
    );
  }
}
