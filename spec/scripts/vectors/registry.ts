import type { Envelope, Fixture, Vector } from "./envelope.js";

/**
 * Registry vectors (FRX-POL-029 to FRX-POL-031): an envelope that asks for a public registry
 * entry, the context a node builds from its directory and its registry (`senderPowers`, and
 * `issuers` of the entries on record it names), and the verdict. Each failing vector changes
 * one thing in a valid base.
 */
export function registryVectors(fixture: Fixture): Record<string, Vector> {
  const out: Record<string, Vector> = {};
  const REGULATOR = ["licence_suspension", "licence_revocation"];
  const add = (
    name: string,
    description: string,
    envelope: Envelope,
    context: { senderPowers: string[]; issuers: Record<string, string> },
    expect: Vector["expect"],
  ) => {
    out[`registry/${name}.json`] = {
      id: `registry/${name}`,
      description,
      envelope,
      context,
      expect,
    };
  };
  const entry = () => fixture("registry.entry");
  const decision = (env: Envelope) => env.body.decision as Record<string, unknown>;
  const entryId = (env: Envelope) => String(env.body.entryId);

  add(
    "registry.entry-ok",
    "A recruitment regulator publishes a licence suspension in its own name.",
    entry(),
    { senderPowers: REGULATOR, issuers: {} },
    { valid: true },
  );
  {
    const env = entry();
    const first = entryId(env);
    env.body.entryId = "01KJPY9M70DXSDTZ3KBKE5C75N";
    env.body.status = "lifted";
    env.body.supersedes = first;
    add(
      "registry.lift-own-ok",
      "The regulator lifts the entry it issued.",
      env,
      { senderPowers: REGULATOR, issuers: { [first]: "TH:DOE-REG" } },
      { valid: true },
    );
  }
  {
    const env = fixture("sanction.notify");
    add(
      "sanction.notify-public-ok",
      "A sanction asking for public listing, by the regulator that imposed it.",
      env,
      { senderPowers: REGULATOR, issuers: {} },
      { valid: true },
    );
  }
  {
    const env = entry();
    env.from = "TH:DSDW";
    add(
      "registry.issuer-mismatch-fail",
      "Victim services publishes an entry naming the recruitment regulator as its deciding authority.",
      env,
      { senderPowers: ["victim_protection", "licence_suspension"], issuers: {} },
      { valid: false, code: "registry.issuer-mismatch", pointer: "/body/decision/authority" },
    );
  }
  {
    const env = fixture("sanction.notify");
    env.from = "TH:DOE";
    add(
      "registry.sanction-issuer-mismatch-fail",
      "A labour inspectorate asks for public listing of a sanction another authority imposed.",
      env,
      { senderPowers: ["workplace_inspection", "licence_suspension"], issuers: {} },
      { valid: false, code: "registry.issuer-mismatch", pointer: "/body/imposingAuthority" },
    );
  }
  {
    const env = entry();
    add(
      "registry.power-missing-fail",
      "An agency whose directory entry holds no licence power publishes a licence suspension.",
      env,
      { senderPowers: ["workplace_inspection"], issuers: {} },
      { valid: false, code: "registry.power-missing", pointer: "/body/decision/kind" },
    );
  }
  {
    const env = entry();
    env.from = "TH:DOE";
    decision(env).authority = "TH:DOE";
    decision(env).kind = "IMPROVEMENT_NOTICE";
    decision(env).imposingAuthorityType = "labour_inspectorate";
    env.body.status = "lifted";
    add(
      "registry.not-issuer-fail",
      "A labour inspectorate republishes the regulator's entry under its id as lifted.",
      env,
      { senderPowers: ["workplace_inspection"], issuers: { [entryId(env)]: "TH:DOE-REG" } },
      { valid: false, code: "registry.not-issuer", pointer: "/body/entryId" },
    );
  }
  {
    const env = entry();
    const first = entryId(env);
    env.from = "TH:DOE";
    env.body.entryId = "01KJPY9M70DXSDTZ3KBKE5C75N";
    env.body.status = "lifted";
    env.body.supersedes = first;
    decision(env).authority = "TH:DOE";
    decision(env).kind = "IMPROVEMENT_NOTICE";
    decision(env).imposingAuthorityType = "labour_inspectorate";
    add(
      "registry.not-issuer-supersedes-fail",
      "A labour inspectorate lifts, through supersedes, an entry the regulator issued.",
      env,
      { senderPowers: ["workplace_inspection"], issuers: { [first]: "TH:DOE-REG" } },
      { valid: false, code: "registry.not-issuer", pointer: "/body/supersedes" },
    );
  }
  return out;
}
