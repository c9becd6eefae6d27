import { authTests } from "./agency-auth.js";
import { agencyInboxTests } from "./agency-inbox.js";
import { agencyRouteTests } from "./agency-routes.js";
import { agencyTokenTests } from "./agency-tokens.js";
import { payloadRuleTests } from "./payload-rules.js";
import { attachmentTests } from "./attachments.js";
import { deadlineTests } from "./deadlines.js";
import { calendarTests } from "./calendar.js";
import { federationDeadlineTests } from "./deadlines-federation.js";
import type { ConformanceTest, Profile } from "./define.js";
import { discoveryTests } from "./discovery.js";
import { envelopeTests } from "./envelope.js";
import { transactionCheckTests } from "./federation-checks.js";
import { inboundTests } from "./federation-inbound.js";
import { erasureNoticeTests } from "./erasure-notices.js";
import { outboundTests } from "./federation-outbound.js";
import { outboundEvidenceTests } from "./federation-evidence.js";
import { directoryCacheTests } from "./federation-directory.js";
import { federationFileTests } from "./federation-files.js";
import { federationFileOutTests } from "./federation-files-out.js";
import { routingTests } from "./federation-routing.js";
import { inboxTests } from "./inbox.js";
import { limitTests } from "./limits.js";
import { listenerTests } from "./listener.js";
import { operatorAgencyTests } from "./operator-agencies.js";
import { operatorDeadLetterTests } from "./operator-dead-letters.js";
import { operatorErasureTests } from "./operator-erasure.js";
import { operatorErasureNoticeTests } from "./operator-erasure-notices.js";
import { operatorKeyTests } from "./operator-keys.js";
import { trustTests } from "./trust.js";
import { trustVersionTests } from "./trust-versions.js";
import { trustEntryTests } from "./trust-entries.js";
import { trustLapseTests } from "./trust-lapse.js";
import { investigationTests } from "./investigations.js";
import { consentTests } from "./consent.js";
import { overrideTests } from "./override.js";
import { casePartiesTests } from "./case-parties.js";
import { firewallPersonsTests } from "./firewall-persons.js";
import { policyTests } from "./policy.js";
import { receiptTests } from "./receipts.js";
import { registryTests } from "./registry.js";
import { registryQueryTests } from "./registry-query.js";
import { registryLookupPeerTests } from "./registry-lookup-peers.js";
import { remedyScheduleTests } from "./remedy-schedule.js";
import { signingTests } from "./signing.js";
import { viewProfileTests } from "./view-profile.js";
import { stateTests } from "./state-machines.js";
import { remedyTests } from "./remedies.js";
import { remedyPaymentTests } from "./remedy-payments.js";
import { sanctionTests } from "./sanctions.js";

/**
 * Every test, in the order a run takes them. The deadline tests come last: their scenario
 * starts in the background before the first test and has finished by then.
 */
export const ALL_TESTS: readonly ConformanceTest[] = [
  ...discoveryTests,
  ...envelopeTests,
  ...signingTests,
  ...limitTests,
  ...authTests,
  ...agencyTokenTests,
  ...listenerTests,
  ...receiptTests,
  ...policyTests,
  ...consentTests,
  ...overrideTests,
  ...viewProfileTests,
  ...firewallPersonsTests,
  ...casePartiesTests,
  ...stateTests,
  ...calendarTests,
  ...investigationTests,
  ...remedyTests,
  ...remedyPaymentTests,
  ...sanctionTests,
  ...inboxTests,
  ...agencyInboxTests,
  ...agencyRouteTests,
  ...payloadRuleTests,
  ...operatorAgencyTests,
  ...operatorKeyTests,
  ...operatorErasureTests,
  ...operatorErasureNoticeTests,
  ...attachmentTests,
  ...registryTests,
  ...registryQueryTests,
  ...remedyScheduleTests,
  ...trustTests,
  ...trustVersionTests,
  ...trustEntryTests,
  ...trustLapseTests,
  ...transactionCheckTests,
  ...inboundTests,
  ...erasureNoticeTests,
  ...directoryCacheTests,
  ...registryLookupPeerTests,
  ...federationFileTests,
  ...routingTests,
  ...outboundTests,
  ...outboundEvidenceTests,
  ...federationFileOutTests,
  ...operatorDeadLetterTests,
  ...deadlineTests,
  ...federationDeadlineTests,
];

export type ProfileName = Profile | "full";

/** The tests of a profile: core, federation, or full (both). */
export function testsOf(profile: ProfileName): ConformanceTest[] {
  return ALL_TESTS.filter((t) => profile === "full" || t.profile === profile);
}
