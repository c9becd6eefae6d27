// @frx/sdk: the client through which agency case systems talk to their FRX national node.

export { createClient, type FrxClient } from "./client.js";
export type { CallOptions, ClientOptions, Clock, RetryOptions } from "./options.js";

export {
  FrxClientError,
  isFrxClientError,
  sdkErrorCodeValues,
  type ClientErrorCode,
  type FailedSubmission,
  type FrxClientErrorOptions,
  type SdkErrorCode,
} from "./errors.js";

export { generateAgencyKey, publicJwkForRegistration, thumbprint } from "./keys.js";
export { AGENCY_TOKEN_TYP, mintAgencyToken, type TokenClaims } from "./token.js";

export {
  NODE_ONLY_TYPES,
  buildEnvelope,
  type AgencyMessageType,
  type MessageInput,
  type SendInput,
} from "./envelope.js";
export type { SendResult } from "./send.js";
export { checkLocally, checkPolicyLocally, policyContext } from "./precheck.js";
export type {
  ReferralCreateInput,
  ReferralRef,
  ReferralThreadType,
  Referrals,
  ThreadOptions,
} from "./referrals.js";

export type {
  CaseView,
  DeadlineView,
  InvestigationView,
  ReferralView,
  TimelineEntry,
} from "./cases.js";
export type { Inbox, InboxError, InboxItem, InboxMessage, InboxOptions } from "./inbox.js";
export { DirectoryView, type DirectoryQuery } from "./directory.js";
export type { Registry, RegistryEntry } from "./registry.js";
export {
  RESTRICTION_KINDS,
  restrictionsInForce,
  type RegistryLookup,
  type RegistryLookupResult,
} from "./registry-lookup.js";
export {
  MAX_ATTACHMENT_BYTES,
  type AttachmentDescriptor,
  type AttachmentSource,
} from "./attachments.js";
export type { AttachmentDownload } from "./attachment-download.js";

// The protocol vocabulary callers need with the client, so one import suffices.
export {
  MessageType,
  type AnyMessage,
  type BodyOf,
  type MessageOf,
  type PrivateJwk,
  type PublicJwk,
  type Types,
} from "@frx/spec";
