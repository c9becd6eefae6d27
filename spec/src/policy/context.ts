import type { Role } from "../generated/codes.js";

/** A participant as the policy sees it: taken from the node's directory. */
export interface PolicyParticipant {
  id: string;
  /** The node (country) the participant belongs to. */
  node: string;
  roles: readonly Role[];
  orgType?: string;
  immigrationFunctions?: boolean;
}

/** The consent shape the policy reads (entities/consent.json). */
export interface ConsentView {
  flags: { services: boolean; disclosure: boolean; reporting?: boolean; tracing?: boolean };
  audiences?: readonly string[];
  withheldItems?: readonly string[];
  withdrawn?: unknown;
  expiresAt?: string;
  override?: { reason?: string; approvedBy?: string; scope?: readonly string[] };
}

export interface PolicyContext {
  sender: PolicyParticipant;
  /** Resolved recipients; `toIndex` is the position in the envelope's `to` they came from. */
  recipients: ReadonlyArray<PolicyParticipant & { toIndex: number }>;
  /**
   * The consent on record at the judging node for each person of the case, by `personRef`;
   * a recorded withdrawal shows as `withdrawn` (FRX-POL-039).
   */
  consents?: Readonly<Record<string, ConsentView>>;
}

/** Which consent audience a recipient falls in, seen from the sender. */
export function audienceOf(sender: PolicyParticipant, recipient: PolicyParticipant): string {
  if (recipient.roles.includes("victim_services")) return "service_providers";
  if (recipient.node !== sender.node) return "foreign_authorities";
  return "domestic_authorities";
}

/** Recipients the firewall treats as immigration enforcement, whatever their declared roles. */
export function hasImmigrationFunctions(participant: PolicyParticipant): boolean {
  return participant.immigrationFunctions === true || participant.orgType === "ImmigrationService";
}
