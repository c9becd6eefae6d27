// @frx/spec: the protocol core every other FRX package imports.

export { canonicalize } from "./codec/canonical-json.js";
export { jsonDepth, MAX_JSON_DEPTH } from "./codec/json-depth.js";
export { FrxError, isFrxError, problemType, type Violation } from "./errors.js";
export { idempotencyVerdict } from "./idempotency.js";

export {
  assertSignature,
  isCanonicalBase64url,
  JWS_ALG,
  parseCompact,
  signCompact,
  type ParsedJws,
} from "./jws/compact.js";
export {
  DEFAULT_SKEW_SECONDS,
  DEFAULT_MAX_ENVELOPE_BYTES,
  digestOf,
  ENVELOPE_TYP,
  parseCanonicalObject,
  signEnvelope,
  verifyEnvelope,
  type KeyResolver,
  type ResolvedKey,
  type VerifiedEnvelope,
  type VerifyOptions,
} from "./jws/envelope.js";
export {
  createSigner,
  generateSigningKey,
  importPublicKey,
  publicJwkOf,
  thumbprint,
  type PrivateJwk,
  type PublicJwk,
  type Signer,
} from "./jws/keys.js";
export { RECEIPT_TYP, signReceipt, verifyReceipt, type ReceiptExpectation } from "./jws/receipt.js";
export { VerifyPool, type PooledVerifyOptions } from "./jws/verify-pool.js";

export {
  allowedIn,
  checkTransition,
  machine,
  type Actor,
  type DeadlineRule,
  type Duration,
  type MachineDefinition,
  type MachineName,
} from "./machines/machine.js";
export {
  allowedReferralActions,
  applyReferral,
  movesReferral,
  referralActor,
  type ReferralRecord,
} from "./machines/referral.js";
export {
  allowedInvestigationActions,
  applyInvestigation,
  investigationActor,
  investigationIdOf,
  movesInvestigation,
  type InvestigationRecord,
} from "./machines/investigation.js";

export {
  addProceedings,
  addReport,
  applySanction,
  trackOfProceedings,
  trackOfSanction,
  type SanctionEntry,
  type TrackItem,
  type TrackRecord,
} from "./machines/sanction.js";
export {
  applyRemedy,
  movesRemedy,
  remedyActor,
  type RemedyPayment,
  type RemedyRecord,
} from "./machines/remedy.js";
export {
  nextDue,
  PAYMENTS_OPEN,
  type RemedyInstalment,
  type RemedyOverdue,
} from "./machines/remedy-schedule.js";
export { decimal, units } from "./machines/money.js";

export {
  assertInForce,
  draftTrustList,
  findKey,
  memberOfKid,
  signTrustList,
  trustListDigest,
  TRUST_LIST_TYP,
  verifyTrustList,
  type SignedTrustList,
  type VerifiedTrustList,
} from "./federation/trust-list.js";
export { assertOwnEntry, ownEntryProblems, type NodeIdentity } from "./federation/own-entry.js";
export {
  checkRegistryAnswer,
  entityMatches,
  registryQueryOf,
  REGISTRY_TYP,
  type RegistryDocument,
  type RegistryQuery,
} from "./federation/registry-answer.js";
export {
  BODIES_PER_ORIGIN,
  DEFAULT_WINDOW,
  MAX_WINDOW,
  openTransaction,
  REPLY_TYP,
  sealTransaction,
  signNodeDocument,
  TRANSACTION_JWE_TYP,
  TRANSACTION_TYP,
  verifyNodeDocument,
  verifyTransaction,
  WAKE_TYP,
  type OpenOptions,
  type X25519Jwk,
} from "./federation/transaction.js";
export {
  claimedSender,
  MAX_TRANSACTION_HEADER_CHARS,
  readTransactionHeader,
  type TransactionHeader,
} from "./federation/transaction-header.js";

export {
  ATTACHMENT_TRANSFER_TYP,
  openRecordParts,
  openRecords,
  openTransferKey,
  RECORD_BYTES,
  sealRecord,
  sealRecords,
  signTransfer,
  TRANSFER_HEADER,
  verifyTransfer,
  type TransferCheck,
  type TransferKey,
} from "./federation/attachment-transfer.js";

export { instantMs, isInstant, parseInstant } from "./time/instant.js";

export { checkPolicy, type PolicyInput } from "./policy/check.js";
export {
  audienceOf,
  hasImmigrationFunctions,
  type ConsentView,
  type PolicyContext,
  type PolicyParticipant,
} from "./policy/context.js";
export { sensitiveFields, type SensitiveField } from "./policy/fields.js";
export {
  checkOverrideApproval,
  overrideApprovalPayload,
  signOverrideApproval,
  OVERRIDE_TYP,
  type OverrideApprover,
  type OverrideInput,
} from "./policy/override-approval.js";
export {
  checkRegistry,
  powersForSanction,
  publishesRegistryEntry,
  registryIdsNamed,
  type RegistryContext,
  type RegistryInput,
} from "./policy/registry.js";

export {
  isMessageType,
  validateDocument,
  validateMessage,
  validatorFor,
} from "./validate/validator.js";

export {
  requirements,
  machineDefinitions,
  policyRules,
  retentionDefaults,
} from "./generated/data.js";
export { schemaDocuments } from "./generated/schemas.js";
export {
  messageMeta,
  nodeMessageTypes,
  sensitivityMap,
  type AgencyMessageType,
  type NodeMessageType,
  type AnyMessage,
  type BodyOf,
  type MessageMeta,
  type MessageOf,
  type MessageTypeMap,
  type SensitivePath,
} from "./generated/messages.js";
export {
  MessageType,
  errorCodeDescriptions,
  errorCodeValues,
  messageTypeValues,
  audienceValues,
  orgTypeValues,
  powerValues,
  purposeValues,
  roleValues,
  tierValues,
  type ErrorCode,
  type Purpose,
  type Role,
  type Sensitivity,
  type Tier,
} from "./generated/codes.js";
// Every generated schema type, as one namespace: Types.ReferralCreateBody, Types.Consent, …
// eslint-disable-next-line no-restricted-syntax
export type * as Types from "./generated/types.js";

// The OpenAPI 3.1 document, built from the schema documents (spec/openapi.json is its generated copy).
export { buildOpenApi } from "./openapi/document.js";
export { bundleSchemas, componentName } from "./openapi/bundle.js";
