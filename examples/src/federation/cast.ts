/** An agency a demo node registers: who it is, what it may do, what it is for the firewall. */
export interface CastMember {
  id: string;
  name: string;
  roles: string[];
  orgType: string;
  powers?: string[];
}

/** The national nodes and agencies of the demo: Thailand (destination), Lao PDR and Cambodia (origin). */
export const CAST: Record<string, { name: string; agencies: CastMember[] }> = {
  TH: {
    name: "Thailand national node",
    agencies: [
      {
        id: "TH:DOE",
        name: "Department of Labour Protection and Welfare",
        roles: ["labour_inspectorate"],
        orgType: "LabourInspectorate",
        powers: [
          "workplace_inspection",
          "wage_recovery_order",
          "administrative_fine",
          "employer_hiring_ban",
        ],
      },
      {
        id: "TH:DSDW",
        name: "Department of Social Development and Welfare",
        roles: ["victim_services"],
        orgType: "CentralGovernmentOrganisation",
        powers: ["victim_protection"],
      },
      {
        id: "TH:ATPD",
        name: "Anti-Trafficking in Persons Division, Royal Thai Police",
        roles: ["anti_trafficking_police"],
        orgType: "LawEnforcement",
        powers: ["arrest", "criminal_investigation", "asset_freeze"],
      },
      {
        id: "TH:DOE-REG",
        name: "Department of Employment, recruitment licensing",
        roles: ["recruitment_regulator"],
        orgType: "RecruitmentRegulator",
        powers: ["licence_suspension", "licence_revocation", "agency_public_listing"],
      },
      {
        id: "TH:NCC",
        name: "Anti-trafficking national coordination centre",
        roles: ["national_coordinator"],
        orgType: "CentralGovernmentOrganisation",
      },
      {
        id: "TH:IMB",
        name: "Police unit with immigration functions",
        roles: ["anti_trafficking_police"],
        orgType: "ImmigrationService",
      },
    ],
  },
  LA: {
    name: "Lao PDR national node",
    agencies: [
      {
        id: "LA:MOLSW",
        name: "Ministry of Labour and Social Welfare",
        roles: ["labour_inspectorate", "recruitment_regulator", "victim_services"],
        orgType: "LabourInspectorate",
        powers: ["workplace_inspection", "victim_protection", "repatriation_assistance"],
      },
      {
        id: "LA:DOSM",
        name: "Department of Skills Development and Employment",
        roles: ["recruitment_regulator"],
        orgType: "RecruitmentRegulator",
        powers: ["licence_suspension", "licence_revocation", "agency_public_listing"],
      },
      {
        id: "LA:ATD",
        name: "Anti-Human Trafficking Department",
        roles: ["anti_trafficking_police"],
        orgType: "LawEnforcement",
        powers: ["arrest", "criminal_investigation"],
      },
      {
        id: "LA:NCC",
        name: "National Committee on Anti-Human Trafficking",
        roles: ["national_coordinator"],
        orgType: "CentralGovernmentOrganisation",
      },
    ],
  },
  KH: {
    name: "Cambodia national node",
    agencies: [
      {
        id: "KH:MOLVT",
        name: "Ministry of Labour and Vocational Training",
        roles: ["labour_inspectorate", "victim_services"],
        orgType: "LabourInspectorate",
        powers: ["workplace_inspection", "victim_protection"],
      },
      {
        id: "KH:NCCT",
        name: "National Committee for Counter Trafficking",
        roles: ["national_coordinator"],
        orgType: "CentralGovernmentOrganisation",
      },
    ],
  },
};
