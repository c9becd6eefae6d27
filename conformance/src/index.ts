// @frx/conformance: the black-box conformance suite for FRX national nodes.

export { main, type Io } from "./cli/main.js";
export { makeKit, readMemberFile, KitExists, type KitOptions } from "./kit/make.js";
export { loadKit, type Kit } from "./kit/load.js";
export { AGENCIES, PEER_AGENCY, PEER_NODE, type AgencyName } from "./kit/agencies.js";
export { KIT_FILES, type KitManifest, type Registration } from "./kit/files.js";
export { configOverrides } from "./kit/operator.js";
export { runSuite, ReportExists, type RunOptions } from "./run/run.js";
export { runClientProfile, type ClientRunOptions } from "./client/run.js";
export { CLIENT_CHECKS, type ClientCheck } from "./client/checks.js";
export { CLIENT_ENV, parseEvents, type ClientEvent } from "./client/contract.js";
export { SCENARIOS, type Scenario } from "./client/scenarios.js";
export { preflight, KitNotInstalled } from "./run/preflight.js";
export {
  commandHook,
  OperatorStepFailed,
  type OperatorHook,
  type ApplyOutcome,
} from "./run/operator.js";
export {
  commandStep,
  NOT_OFFERED_EXIT,
  StepNotOffered,
  type OperatorStep,
  type StepOutcome,
} from "./run/operator-steps.js";
export { verifyReportDir, type ReportVerdict } from "./report/verify-dir.js";
export type { TestResult } from "./run/runner.js";
export { ALL_TESTS, testsOf, type ProfileName } from "./suite/index.js";
export type { ConformanceTest } from "./suite/define.js";
export {
  buildReport,
  coverageOf,
  type ClientUnderTest,
  type OtherProfile,
  type Report,
} from "./report/model.js";
export { junitXml, xmlEscape } from "./report/junit.js";
export { reportHtml } from "./report/html.js";
export { signReport, verifyReport, REPORT_TYP } from "./report/sign.js";
export { writeReports } from "./report/write.js";
export { SUITE } from "./version.js";
