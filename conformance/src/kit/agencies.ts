/** The harness's agencies at the node under test, by the short name tests use. */
export type AgencyName = "LI" | "VS" | "POL" | "IMM" | "OFF";

export interface AgencyDefinition {
  code: string;
  name: string;
  roles: string[];
  orgType: string;
  immigrationFunctions: boolean;
  powers: string[];
  /** OFF is registered and then disabled by the operator. */
  status: "active" | "disabled";
}

/**
 * Five agencies cover every rule the suite exercises: a labour inspectorate (the usual
 * sender), victim services (the usual recipient), police (firewall and suspect channel),
 * a police unit with immigration functions (no person-level data may reach it), and a
 * disabled agency (FRX-ENV-013), which also holds the victim_services role so that
 * mandate routing can be seen to skip it. LI may fine and POL may freeze assets, so that the
 * registry rules (FRX-POL-029..303) can be seen to tell an issuer from another sanctioning agency;
 * VS stands in for the national coordinator as the approver of consent overrides (FRX-POL-032).
 */
export const AGENCIES: Record<AgencyName, AgencyDefinition> = {
  LI: {
    code: "CONF-LI",
    name: "Conformance harness labour inspectorate",
    roles: ["labour_inspectorate"],
    orgType: "LabourInspectorate",
    immigrationFunctions: false,
    powers: ["workplace_inspection", "administrative_fine"],
    status: "active",
  },
  VS: {
    code: "CONF-VS",
    name: "Conformance harness victim services",
    roles: ["victim_services"],
    orgType: "CentralGovernmentOrganisation",
    immigrationFunctions: false,
    powers: ["victim_protection", "consent_override"],
    status: "active",
  },
  POL: {
    code: "CONF-POL",
    name: "Conformance harness anti-trafficking police",
    roles: ["anti_trafficking_police"],
    orgType: "LawEnforcement",
    immigrationFunctions: false,
    powers: ["criminal_investigation", "asset_freeze"],
    status: "active",
  },
  IMM: {
    code: "CONF-IMM",
    name: "Conformance harness police unit with immigration functions",
    roles: ["anti_trafficking_police"],
    orgType: "ImmigrationService",
    immigrationFunctions: true,
    powers: [],
    status: "active",
  },
  OFF: {
    code: "CONF-OFF",
    name: "Conformance harness disabled agency",
    roles: ["victim_services"],
    orgType: "NGO",
    immigrationFunctions: false,
    powers: ["victim_protection"],
    status: "disabled",
  },
};

export const AGENCY_NAMES = Object.keys(AGENCIES) as AgencyName[];

/** The harness peer node: a country code no ASEAN member uses, and its one agency. */
export const PEER_NODE = "XA";
/** A second harness member, listed as suspended in the genesis trust list. */
export const SUSPENDED_NODE = "XB";
export const PEER_AGENCY = `${PEER_NODE}:PEER`;
