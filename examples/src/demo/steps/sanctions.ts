import { MessageType } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";

type Env = ReturnType<typeof fixtureEnvelope>;

/** Actions 2 and 7: three authorities sanction in parallel; two ask for public listing. */
export async function sanction(s: Scene): Promise<void> {
  s.tl.section(
    "Actions 2 and 7",
    "concurrent sanctions by three authorities; public registry listings",
  );
  const base = fixtureEnvelope(MessageType.SanctionNotify);
  const target = base.body.target as { recruitmentAgency: Record<string, unknown> };
  const sanctions: Array<[string, string[], Env]> = [
    [
      "TH:DOE",
      ["TH:ATPD", "TH:DOE-REG", "LA:MOLSW"],
      with_(base, {
        sanctionId: s.as("TH:DOE").newId(),
        target: {
          employer: {
            legalName: "Chok Anan Fishery Co., Ltd.",
            registrationNumber: "0745561000123",
            registrationCountry: "TH",
          },
        },
        kind: "EMPLOYER_MIGRANT_HIRING_BAN",
        imposingAuthorityType: "labour_inspectorate",
        imposingAuthority: "TH:DOE",
        // In force from today for two years, so the registry lookup later finds it in force.
        decidedOn: day(0),
        effectiveFrom: day(0),
        until: day(730),
        legalReference:
          "Royal Ordinance on Management of Foreign Workers Employment B.E. 2560 (2017), s. 102",
      }),
    ],
    ["TH:DOE-REG", ["TH:DOE", "TH:ATPD", "LA:DOSM"], base],
    [
      "LA:DOSM",
      ["LA:MOLSW", "TH:DOE-REG", "TH:DOE"],
      with_(base, {
        sanctionId: s.as("LA:DOSM").newId(),
        target: {
          recruitmentAgency: {
            ...target.recruitmentAgency,
            legalName: "Savan Manpower Supply Sole Co., Ltd.",
            registrationNumber: "LA-SV-2019-0412",
            country: "LA",
            chainRole: "origin",
            licence: {
              number: "MOLSW-RA-0412",
              issuer: "LA:DOSM",
              country: "LA",
              status: "revoked",
            },
          },
        },
        kind: "LICENCE_REVOCATION",
        imposingAuthorityType: "recruitment_regulator",
        imposingAuthority: "LA:DOSM",
        legalReference: "Decree on the Sending of Lao Workers to Work Abroad, art. 45",
        until: undefined,
      }),
    ],
  ];
  for (const [from, to, env] of sanctions) {
    const id = await s.send(from, MessageType.SanctionNotify, {
      ...env,
      case: s.caseId,
      to: to.map((participant) => ({ participant })),
    });
    await s.arrives(id, to, from, MessageType.SanctionNotify);
  }
  for (const [cc, reader] of [
    ["TH", "TH:DOE"],
    ["LA", "LA:MOLSW"],
  ] as const) {
    const registry = await s.as(reader).registry();
    for (const e of registry.entries as Array<{
      entity: Record<string, { legalName: string }>;
      decision: { kind: string; authority?: string };
    }>) {
      const entity = Object.values(e.entity)[0]!;
      s.tl.note(
        `${cc} public registry (signed by ${cc}): ${entity.legalName} — ${e.decision.kind} by ${e.decision.authority ?? "?"}`,
      );
    }
  }
}

/** The date `n` days from today (UTC), YYYY-MM-DD. */
function day(n: number): string {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

function with_(env: Env, body: Record<string, unknown>): Env {
  const merged = { ...env.body, ...body };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return { ...env, body: merged };
}
