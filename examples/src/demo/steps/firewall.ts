import { isFrxClientError } from "@frx/sdk";
import { MessageType } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";

/**
 * The seed's firewall: labour inspection must not serve immigration enforcement. An update
 * carrying a worker's immigration status and passport number, addressed to a police unit with
 * immigration functions, is refused — first by the SDK before it leaves the agency, then (with
 * the SDK's check switched off) by the node itself — each naming the JSON pointers.
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
