import type { Envelope, Fixture, Vector } from "./envelope.js";

type Add = (
  name: string,
  description: string,
  envelope: Envelope,
  expect: Vector["expect"] & { pointer?: string },
  extra?: Record<string, unknown>,
) => void;

/** A ministry with labour inspection and victim services, as LA:MOLSW and KH:MOLVT are. */
const MINISTRY = {
  id: "TH:DSDW",
  node: "TH",
  roles: ["labour_inspectorate", "victim_services"],
  orgType: "CentralGovernmentOrganisation",
  immigrationFunctions: false,
  toIndex: 0,
};

/** Vectors of the firewall by capacity (FRX-POL-037) and of evidence by kind (FRX-POL-038). */
export function firewallByCapacity(
  add: Add,
  referral: () => Envelope,
  person: (env: Envelope) => Record<string, unknown>,
  fixture: Fixture,
): void {
  {
    const env = referral();
    person(env).immigration = { passportNumber: "LA1234567" };
    add(
      "immigration-multi-role-by-id-fail",
      "A passport number to a ministry that is labour inspectorate and victim services, addressed by id: not in its victim-services capacity (FRX-POL-037).",
      env,
      {
        valid: false,
        code: "policy.firewall",
        pointer: "/body/persons/0/immigration/passportNumber",
      },
      { recipients: [MINISTRY] },
    );
  }
  {
    const env = referral();
    person(env).immigration = { passportNumber: "LA1234567" };
    env.to = [{ node: "TH", role: "victim_services" }];
    add(
      "immigration-multi-role-as-victim-services-ok",
      "The same passport number to the same ministry addressed by role victim_services (FRX-POL-037).",
      env,
      { valid: true },
      { recipients: [MINISTRY] },
    );
  }
  {
    const env = fixture("evidence.provide");
    env.to = [{ participant: "TH:IMB" }];
    (env.body.items as Array<Record<string, unknown>>)[0]!.kind = "worker_statement";
    add(
      "evidence-statement-to-immigration-fail",
      "A worker's statement, as evidence, to a police unit with immigration functions (FRX-POL-038).",
      env,
      { valid: false, code: "policy.immigration-recipient", pointer: "/to/0" },
    );
  }
  {
    const env = fixture("evidence.provide");
    env.to = [{ participant: "TH:IMB" }];
    add(
      "evidence-records-to-immigration-ok",
      "A wage ledger and a logbook, records about the employer, to the same unit (FRX-POL-038).",
      env,
      { valid: true },
    );
  }
}
