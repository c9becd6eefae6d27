// @frx/node: the reference national node.

export {
  defaultConfig,
  readConfig,
  writeConfig,
  type CalendarConfig,
  type NodeConfig,
} from "./config/config.js";
export {
  generateNodeKeys,
  nodePublicKeys,
  readNodeKeys,
  writeNodeKeys,
  type NodeKeys,
} from "./config/keys.js";
export type { AppContext } from "./context.js";
export { verifyAudit, type AuditReport } from "./domain/audit.js";
export { dueAt, isWorkingDay } from "./domain/calendar.js";
export { nodeParticipant } from "./domain/notices.js";
export { createNode, type FrxNode, type NodeOptions } from "./node.js";
export { memberEntry } from "./federation/member-entry.js";
export {
  registerParticipant,
  rotateParticipantKey,
  setParticipantStatus,
  type ParticipantRegistration,
} from "./admin/participants.js";
export { AGENCY_TOKEN_TYP } from "./http/auth/agency-token.js";
export { createAdminApp, ADMIN_OPERATIONS } from "./admin/api.js";
export { addOperator, listOperators, type OperatorRecord } from "./admin/operators.js";
export { revokeParticipantKey, type Revocation } from "./admin/revoke.js";
export { OPERATOR_TOKEN_TYP, signOperatorToken } from "./http/auth/operator-token.js";
export { ManualClock, systemClock, type Clock } from "./runtime/clock.js";
export { jsonLogger, memoryLogger, type Logger } from "./runtime/logger.js";
export { MemoryAttachmentStore } from "./store/attachments.js";
export {
  FileKeySource,
  MemoryKeySource,
  StaticKeyring,
  generateKeyring,
  provideKeyFile,
  type DataKeyring,
  type DataKeySource,
} from "./privacy/data-keys.js";
export { LevelStore, type Store } from "./store/store.js";
export { openEnvelope } from "./privacy/envelopes.js";
