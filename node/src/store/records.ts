import type { InvestigationRecord, PublicJwk, ReferralRecord } from "@frx/spec";

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
  jws: string;
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
  /** Participants of this node that sent or received a message in the case: who may read it. */
  parties: string[];
  referrals: string[];
  investigations: string[];
  /** The latest consent.record body for the case, read by the policy for later messages. */
  consent?: Record<string, unknown>;
  consentWithdrawn: boolean;
  timelineLength: number;
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
  kind: "accepted" | "refused" | "delivered" | "duplicate" | "admin" | "notice";
  actor: string;
  messageId?: string;
  digest?: string;
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
