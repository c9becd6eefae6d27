/** The agencies each soak node registers: enough for cross-border referrals and domestic evidence. */
export const SOAK_CAST: Record<
  string,
  Array<{ id: string; roles: string[]; orgType: string; powers?: string[] }>
> = {
  TH: [
    {
      id: "TH:DOE",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      powers: ["workplace_inspection"],
    },
    {
      id: "TH:ATPD",
      roles: ["anti_trafficking_police"],
      orgType: "LawEnforcement",
      powers: ["criminal_investigation"],
    },
  ],
  LA: [{ id: "LA:MOLSW", roles: ["labour_inspectorate"], orgType: "LabourInspectorate" }],
  KH: [{ id: "KH:MOLVT", roles: ["labour_inspectorate"], orgType: "LabourInspectorate" }],
};
