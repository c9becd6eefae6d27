import { generateSigningKey, type Types } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { updateParticipant } from "../src/admin/update.js";
import { registerParticipant } from "../src/index.js";
import { thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const REGIMES = [
  {
    kind: "LICENCE_SUSPENSION",
    legalReference: "Royal Ordinance on Management of Foreign Workers Employment B.E. 2560, s. 57",
  },
  {
    kind: "ADMIN_FINE",
    legalReference: "B.E. 2560, s. 102",
    maxPenalty: { amount: "800000", currency: "THB" },
  },
];
const PROCEDURES = {
  channels: [
    { kind: "frx" },
    { kind: "telephone", address: "+66 2 245 6710", hours: "Mon-Fri 08:30-16:30 ICT" },
  ],
  contactPoints: [
    {
      unit: "Recruitment Licensing Division",
      email: "licensing@doe.example.go.th",
      languages: ["tha", "eng"],
    },
  ],
  languages: ["tha", "eng", "lao"],
  responseTimes: [
    { type: "licence.query", workingDays: 3 },
    { type: "referral.create", hours: 24 },
  ],
};
const register = (changes: Record<string, unknown>) =>
  registerParticipant(t.node.ctx, {
    id: "TH:DOE-LIC",
    name: "Department of Employment (licences)",
    roles: ["recruitment_regulator"],
    orgType: "RecruitmentRegulator",
    powers: ["licence_suspension", "administrative_fine"],
    publicJwk: generateSigningKey().publicJwk,
    ...changes,
  });
const published = async (id: string) =>
  (
    (await (await t.node.app.request("/v1/directory")).json()) as { directory: Types.Directory }
  ).directory.participants.find((p) => p.id === id);
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "accepted",
    (e: { code?: string; violations?: Array<{ pointer: string }> }) =>
      `${e.code} ${(e.violations ?? []).map((v) => v.pointer).join(" ")}`.trim(),
  );

describe("sanction regimes and procedures in the directory (FRX-FED-085, FRX-FED-086)", () => {
  it("publishes what the operator registered, signed with the directory, and replaces it on update", async () => {
    await register({ sanctionRegimes: REGIMES, procedures: PROCEDURES });
    expect(await published("TH:DOE-LIC")).toMatchObject({
      sanctionRegimes: REGIMES,
      procedures: PROCEDURES,
    });
    await updateParticipant(t.node.ctx, "TH:DOE-LIC", {
      sanctionRegimes: [REGIMES[0]],
      procedures: { languages: ["tha"] },
    });
    const entry = await published("TH:DOE-LIC");
    expect(entry?.sanctionRegimes).toEqual([REGIMES[0]]);
    expect(entry?.procedures).toEqual({ languages: ["tha"] });
  });

  it("refuses a regime the agency's powers do not allow, now or after its powers change", async () => {
    expect(
      await refusal(
        register({
          sanctionRegimes: [{ kind: "EMPLOYER_MIGRANT_HIRING_BAN", legalReference: "s. 1" }],
        }),
      ),
    ).toBe("request.malformed /sanctionRegimes/0/kind");
    expect(await t.node.ctx.directory.get("TH:DOE-LIC")).toBeUndefined();
    await register({ sanctionRegimes: REGIMES });
    expect(
      await refusal(
        updateParticipant(t.node.ctx, "TH:DOE-LIC", { powers: ["licence_suspension"] }),
      ),
    ).toBe("request.malformed /sanctionRegimes/1/kind");
    expect((await published("TH:DOE-LIC"))?.powers).toContain("administrative_fine");
  });

  it("refuses procedures that would not match the directory's schema", async () => {
    for (const procedures of [
      { channels: [{ kind: "carrier_pigeon" }] },
      { contactPoints: [{ unit: "Desk\u0007" }] },
      { contactPoints: [{ unit: "Desk \u202e(reversed)" }] },
      { channels: [{ kind: "web", address: "https://example.go.th/\u0085" }] },
      { contactPoints: [{ unit: "Desk", email: "not an address" }] },
      { languages: ["Thai"] },
      { responseTimes: [{ type: "licence.query" }] },
      { responseTimes: [{ type: "licence.query", hours: 4, workingDays: 1 }] },
      { responseTimes: [{ type: "licence.query", hours: 0 }] },
      { channels: "frx" },
      { staff: [{ name: "Somchai" }] },
    ])
      expect(await refusal(register({ procedures })), JSON.stringify(procedures)).toMatch(
        /^request\.malformed/,
      );
    expect(
      await refusal(register({ sanctionRegimes: [{ kind: "ADMIN_FINE", legalReference: "" }] })),
    ).toMatch(/^request\.malformed/);
    expect(await t.node.ctx.directory.get("TH:DOE-LIC")).toBeUndefined();
  });
});
