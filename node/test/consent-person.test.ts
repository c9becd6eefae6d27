import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const P1 = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";
const P2 = "pp_Kh7sPq2Lm9Xr4Tw8Yz3Vb6Nc";
const C1 = "01KH3BA6R0Y11DTPWJE1E8FNF1";
const C2 = "01KH3BA6R0Y11DTPWJE1E8FNF2";
let n = 0;
const id = () => `01KJPZ0F803ENRXF0YZ20K${String(++n).padStart(4, "0")}`;

async function send(env: Envelope): Promise<{ status: number; code?: string }> {
  const res = await t.submit(t.sign({ ...env, id: id() }));
  const body = (await res.json()) as { code?: string };
  return { status: res.status, ...(body.code ? { code: body.code } : {}) };
}

function record(from: string, personRef: string | undefined, consentId: string): Envelope {
  const env = fixture("consent.record");
  env.from = from;
  env.to = [{ participant: from === "TH:DOE" ? "TH:DSDW" : "TH:DOE" }];
  const consent = env.body.consent as Record<string, unknown>;
  consent.consentId = consentId;
  if (personRef) consent.personRef = personRef;
  else delete consent.personRef;
  return env;
}

function withdraw(from: string, consentId: string): Envelope {
  const env = fixture("consent.withdraw");
  env.from = from;
  env.to = [{ participant: from === "TH:DOE" ? "TH:DSDW" : "TH:DOE" }];
  env.body = { ...env.body, consentId, scope: ["disclosure"] };
  return env;
}

/** A case notification naming one worker, to victim services at T2. */
function naming(personRef: string): Envelope {
  const env = fixture("case.notify");
  env.to = [{ participant: "TH:DSDW" }];
  env.tier = "T2";
  env.body.persons = [{ personRef, citizenship: ["LA"], identified: { fullName: "A worker" } }];
  return env;
}

describe("finding 4 (issue 11): consent is held per person, by the agency that obtained it", () => {
  it("a withdrawal silences that worker only (FRX-POL-039, FRX-POL-040)", async () => {
    expect((await send(record("TH:DOE", P1, C1))).status).toBe(201);
    expect((await send(record("TH:DOE", P2, C2))).status).toBe(201);
    expect((await send(withdraw("TH:DOE", C2))).status).toBe(201);
    expect(await send(naming(P2))).toEqual({ status: 422, code: "policy.consent-withdrawn" });
    expect((await send(naming(P1))).status).toBe(201);
  });

  it("refuses another party's record that would replace a worker's consent (FRX-POL-042)", async () => {
    expect((await send(record("TH:DOE", P1, C1))).status).toBe(201);
    const widened = record("TH:DSDW", P1, C2);
    (widened.body.consent as { audiences: string[] }).audiences = [
      "domestic_authorities",
      "foreign_authorities",
      "service_providers",
      "other_organisations",
    ];
    expect(await send(widened)).toEqual({ status: 422, code: "consent.not-obtainer" });
  });

  it("refuses a consent.record that names no person, so it cannot lift a withdrawal (FRX-POL-041)", async () => {
    expect((await send(record("TH:DOE", P1, C1))).status).toBe(201);
    expect((await send(withdraw("TH:DOE", C1))).status).toBe(201);
    expect(await send(record("TH:DOE", undefined, C2))).toEqual({
      status: 422,
      code: "policy.consent-person-missing",
    });
    expect(await send(naming(P1))).toEqual({ status: 422, code: "policy.consent-withdrawn" });
  });

  it("refuses a withdrawal of a consent no one recorded (FRX-POL-043)", async () => {
    expect(await send(withdraw("TH:DOE", C2))).toEqual({
      status: 422,
      code: "consent.unknown",
    });
  });

  it("lets the case owner withdraw a consent another agency recorded, and no one else (FRX-POL-042)", async () => {
    // The owner's message makes TH:DSDW and TH:ATPD parties to the case (FRX-MSG-010).
    const both = record("TH:DOE", P2, C2);
    both.to = [{ participant: "TH:DSDW" }, { participant: "TH:ATPD" }];
    expect((await send(both)).status).toBe(201);
    expect((await send(record("TH:DSDW", P1, C1))).status).toBe(201);
    expect(await send(withdraw("TH:ATPD", C1))).toEqual({
      status: 422,
      code: "consent.not-obtainer",
    });
    expect((await send(withdraw("TH:DOE", C1))).status).toBe(201);
    expect(await send(naming(P1))).toEqual({ status: 422, code: "policy.consent-withdrawn" });
  });
});
