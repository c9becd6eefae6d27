import type { Envelope, Fixture, Vector } from "./envelope.js";
import { policyParticipant, type TestKeys } from "./keys.js";

/**
 * Policy vectors for view profiles and evidence purposes (FRX-POL-034 to FRX-POL-036), in the
 * shape of the other policy vectors: envelope, the context a node builds, the verdict.
 */
export function projectionVectors(keys: TestKeys, fixture: Fixture): Record<string, Vector> {
  const out: Record<string, Vector> = {};
  const add = (name: string, description: string, env: Envelope, expect: Vector["expect"]) => {
    out[`policy/${name}.json`] = {
      id: `policy/${name}`,
      description,
      envelope: env,
      context: {
        sender: policyParticipant(keys, env.from),
        recipients: env.to.map((a, toIndex) => ({
          ...policyParticipant(keys, String((a as { participant: string }).participant)),
          toIndex,
        })),
      },
      expect,
    };
  };
  const employer = () => structuredClone(fixture("case.notify").body.employer);
  {
    const env = fixture("referral.create");
    env.body.employer = employer();
    add(
      "policy.view-profile-fail",
      "A referral to victim services under service_provider_min that names the employer, which that profile does not grant.",
      env,
      { valid: false, code: "policy.view-profile", pointer: "/body/employer" },
    );
  }
  {
    const env = fixture("referral.create");
    env.body.viewProfile = "inspector_case";
    env.body.employer = employer();
    add(
      "policy.view-profile-recipient-fail",
      "The labour inspectors' wider profile chosen for a victim-services recipient, to pass the employer on.",
      env,
      { valid: false, code: "policy.view-profile", pointer: "/body/viewProfile" },
    );
  }
  {
    const env = fixture("referral.create");
    env.to = [{ participant: "TH:ATPD" }];
    env.purpose = "criminal_investigation_trafficking";
    env.body.viewProfile = "police_evidence";
    env.body.employer = employer();
    delete env.body.persons;
    add(
      "referral.police-evidence-ok",
      "A referral to the police under police_evidence, with the employer and no worker named.",
      env,
      { valid: true },
    );
  }
  {
    const env = fixture("evidence.provide");
    env.purpose = "remedy_claim";
    env.to = [{ participant: "TH:DOE-REG" }];
    add(
      "policy.evidence-shareable-fail",
      "Evidence provided for a remedy claim, one item of which may be used only for labour inspection and criminal investigation.",
      env,
      { valid: false, code: "policy.purpose-mismatch", pointer: "/body/items/1/shareableWith" },
    );
  }
  return out;
}
