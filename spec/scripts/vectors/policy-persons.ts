import type { Envelope, Fixture, Vector } from "./envelope.js";

type Add = (
  name: string,
  description: string,
  envelope: Envelope,
  expect: Vector["expect"] & { pointer?: string },
  extra?: Record<string, unknown>,
) => void;

const P2 = "pp_Kh7sPq2Lm9Xr4Tw8Yz3Vb6Nc";

/** Vectors of consent per person (FRX-POL-039, FRX-POL-041). */
export function consentPerPerson(add: Add, referral: () => Envelope, fixture: Fixture): void {
  const twoWorkers = () => {
    const env = referral();
    const persons = env.body.persons as Array<Record<string, unknown>>;
    delete persons[0]!.health;
    persons.push({ personRef: P2, citizenship: ["KH"], identified: { fullName: "Sok Dara" } });
    return env;
  };
  add(
    "consent-of-one-worker-for-another-fail",
    "Two workers in one referral; the consent it carries is the first worker's, and none is on record for the second (FRX-POL-039).",
    twoWorkers(),
    {
      valid: false,
      code: "policy.consent-missing",
      pointer: "/body/persons/1/identified/fullName",
    },
  );
  {
    const env = twoWorkers();
    const second = { ...(env.body.consent as Record<string, unknown>), personRef: P2 };
    add(
      "consent-per-worker-ok",
      "The same referral with the second worker's own consent on record (FRX-POL-039).",
      env,
      { valid: true },
      { consents: { [P2]: second } },
    );
  }
  {
    const env = twoWorkers();
    const second = {
      ...(env.body.consent as Record<string, unknown>),
      personRef: P2,
      withdrawn: { at: "2026-03-01T10:00:00Z" },
    };
    add(
      "withdrawal-of-one-worker-fail",
      "The second worker withdrew: their fields are refused, the first worker's are not (FRX-POL-039).",
      env,
      { valid: false, code: "policy.consent-withdrawn", pointer: "/body/persons/1" },
      { consents: { [P2]: second } },
    );
  }
  {
    const env = fixture("consent.record");
    delete (env.body.consent as Record<string, unknown>).personRef;
    add(
      "policy.consent-person-missing-fail",
      "A consent.record that names no worker (FRX-POL-041).",
      env,
      { valid: false, code: "policy.consent-person-missing", pointer: "/body/consent" },
    );
  }
}
