import type { InvestigationRecord, PublicJwk, ReferralRecord, Types } from "@frx/spec";

/** A participant (agency) registered at this node. */
export interface ParticipantRecord {
  id: string;
  name: string;
  roles: string[];
  orgType: string;
  immigrationFunctions: boolean;
  powers: string[];
  acceptedTypes: string[];
  status: "active" | "disabled";
  coordinator: boolean;
  /** Sanctions it may impose, as its operator registered them (FRX-FED-085, FRX-FED-086). */
  sanctionRegimes?: Types.SanctionRegime[];
  /** Channels, contact points, languages and response times (FRX-FED-085). */
  procedures?: Types.AgencyProcedures;
  keys: Array<{
    jwk: PublicJwk;
    kid: string;
    addedAt: string;
    retiredAt?: string;
    /** Revoked as compromised as of this instant (FRX-ADM-007): left out of the published directory. */
    revokedAt?: string;
    /** When the revocation was made (after which nothing signed with the key verifies). */
    revokedRecordedAt?: string;
  }>;
  createdAt: string;
  updatedAt: string;
}

/** Index entry: which participant (or node) a kid belongs to. */
export interface KeyIndexRecord {
  owner: string;
  retiredAt?: string;
  revokedAt?: string;
}

/** An envelope this node stored, with the receipt it answered. */
export interface MessageRecord {
  id: string;
  digest: string;
  /**
   * The envelope as signed, sealed with the node's data key (FRX-DP-001); empty once its
   * content is erased (FRX-DP-006), when `erased` says when and why.
   */
  jws: string;
  erased?: { at: string; reason: "retention" | "request" | "notice"; ref: string };
  receipt: string;
  receivedAt: string;
  from: string;
  type: string;
  case?: string;
  referral?: string;
  deliveredTo: string[];
}

export interface CaseRecord {
  case: string;
  createdAt: string;
  updatedAt: string;
  /**
   * The case's parties here (FRX-MSG-010): its owner, and every agency a party's accepted
   * message sent or addressed, at this node or another. Only they act in it and read it.
   */
  parties: string[];
  /** The owner after an accepted case.transfer (FRX-MSG-003); absent, the agency the id names. */
  owner?: string;
  referrals: string[];
  investigations: string[];
  /** Each person's consent on record, by `personRef` (FRX-POL-040), read by the policy. */
  consents?: Record<string, ConsentOnRecord>;
  timelineLength: number;
}

/** One person's consent on record for a case, and who recorded it (FRX-POL-042). */
export interface ConsentOnRecord {
  consent: Record<string, unknown>;
  recordedBy: string;
  recordedAt: string;
  /** Set by a `consent.withdraw` of services or disclosure; a new record by its agency clears it. */
  withdrawnAt?: string;
}

export interface TimelineEntry {
  at: string;
  messageId: string;
  type: string;
  from: string;
  to: string[];
  referral?: string;
  state?: string;
  note?: string;
  /** For a delivery to a peer node: the peer's receipt (its compact JWS), as evidence. */
  receipt?: string;
}

export interface InboxItem {
  cursor: number;
  participant: string;
  messageId: string;
  at: string;
}

export interface DeadlineRecord {
  id: string;
  machine: "referral" | "investigation";
  subject: string;
  case: string;
  kind: string;
  startedAt: string;
  dueAt: string;
  remindAt: string;
  /** Twice the deadline: the referral expires and is escalated again. */
  expireAt: string;
  stage: "pending" | "reminded" | "overdue" | "expired";
  /** The message that started the deadline (deadline notices name it, FRX-MSG-007). */
  startedBy?: string;
  /** Who the notices go to (participants of this node). */
  notify: string[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  kind: "accepted" | "refused" | "delivered" | "duplicate" | "admin" | "notice" | "state";
  actor: string;
  /** For `state` entries: each record the batch wrote, `<aggregate>/<key>`, with its hash, or null when deleted. */
  writes?: Record<string, string | null>;
  messageId?: string;
  digest?: string;
  /** For `accepted` entries: the participants of this node the message was delivered to. */
  deliveredTo?: string[];
  code?: string;
  detail?: string;
  prev: string;
  hash: string;
}

export interface RegistryEntryRecord {
  id: string;
  publishedAt: string;
  messageId: string;
  entry: Record<string, unknown>;
}

export type { InvestigationRecord, ReferralRecord };
