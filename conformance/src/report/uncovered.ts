/**
 * Every MUST / MUST NOT requirement that no test of the suite asserts, with why. Two kinds:
 *
 * - `not-black-box`: the suite cannot observe it over the node's HTTP interfaces during a run
 *   (a rule on the specification itself, an obligation of an agency system, an internal
 *   property such as durability across a crash, an operator-only interface, or a span longer
 *   than a run). These count as explained.
 * - `pending`: a test could observe it; none is written yet. These count as NOT covered and
 *   NOT explained: the report shows them as the suite's own gaps.
 *
 * The self-test (test/coverage.test.ts) asserts that every uncovered MUST is listed here and
 * that nothing listed here is covered, so a new requirement or a new test changes this table.
 */
export type UncoveredKind = "not-black-box" | "pending";

export interface Uncovered {
  kind: UncoveredKind;
  reason: string;
}

const spec = (reason: string): Uncovered => ({
  kind: "not-black-box",
  reason: `a rule on the specification, not on a node: ${reason}`,
});
const agency = (reason: string): Uncovered => ({
  kind: "not-black-box",
  reason: `an obligation of the agency system, which a node cannot see: ${reason} (the client profile's business)`,
});
const internal = (reason: string): Uncovered => ({
  kind: "not-black-box",
  reason: `internal to the node: ${reason}`,
});
const operator = (reason: string): Uncovered => ({
  kind: "not-black-box",
  reason: `reached only through the operator's interfaces, which the admin API leaves non-normative (spec/admin.md) and the harness holds no operator key for: ${reason}`,
});
const pending = (reason: string): Uncovered => ({ kind: "pending", reason });

const TRUST_APPLY =
  "needs a version that passes the quorum, which takes the node's own signature: the operator hook would need a sign-trust-list step too";

export const UNCOVERED: Readonly<Record<string, Uncovered>> = {
  // Admin API: an operator-only listener (spec/admin.md).
  "FRX-ADM-001": operator("the admin listener's address is not reachable from the harness"),
  "FRX-ADM-003": operator("admin tokens are made with an operator key"),
  "FRX-ADM-004": operator("registering and rotating keys are admin calls"),
  "FRX-ADM-005": operator("the audit log is read with the operator's tools"),
  "FRX-ADM-006": operator("the console session is an admin feature"),
  "FRX-ADM-007": operator(
    "a key is revoked by an admin call; a hook revoking a harness agency's key would make it observable",
  ),
  "FRX-ADM-008": operator("a key is revoked by an admin call"),
  "FRX-ADM-009": operator("a revocation is an admin call"),
  "FRX-ADM-010": operator("dead letters are retried by an admin call"),
  "FRX-ADM-011": operator("the rule is about admin calls"),
  "FRX-ADM-013": operator(
    "the metrics token is an operator setting the kit does not make; without it /metrics is open",
  ),
  // Data protection at rest (spec/data-protection.md): the store, its keys and operator tools.
  "FRX-DP-001": internal("encryption at rest is of the node's own store and files"),
  "FRX-DP-002": operator("the data key file is the operator's, read at startup"),
  "FRX-DP-003": operator("data-key rotation and re-encryption are operator tools"),
  "FRX-DP-004": operator("retention needs time moved past years; the operator runs the job"),
  "FRX-DP-005": operator("the periods published depend on the operator's configuration"),
  "FRX-DP-006": operator("erasure is an operator tool over the node's store"),
  "FRX-DP-007": operator("erasure records and holds are read with the operator's tools"),
  "FRX-DP-008": operator("legal holds are placed by the operator"),
  "FRX-DP-009": operator("erasure by personRef is an operator tool"),
  "FRX-DP-010": operator("the erasure notice is produced for the operator"),
  "FRX-DP-011": pending("a peer node's erasure notice at POST {endpoint}/erasure-notices"),
  "FRX-DP-012": operator("subject-access exports are an operator tool"),
  "FRX-DP-013": operator("notices follow an erasure the operator makes; durability is internal"),
  "FRX-DP-014": internal("a 7-day retry window and the dead letters the operator reads"),
  "FRX-DP-015": pending("the suite would need a case with a party of its own peer node"),
  "FRX-DP-016": pending("a repeated notice from the suite's peer node"),
  "FRX-DP-017": pending(
    "the suite would need its peer node suspended by a trust list the node applies",
  ),
  // Audit: verification is an operator tool over the node's store.
  "FRX-AUD-001": internal("the audit hash chain lives in the node's store"),
  "FRX-AUD-002": operator("audit verification is an operator tool"),
  "FRX-AUD-003": operator("checkpoints are kept outside the store and exported by the operator"),
  "FRX-AUD-004": operator("audit verification is an operator tool"),
  "FRX-AUD-005": operator("audit verification is an operator tool"),
  "FRX-AUD-006": operator("audit verification is an operator tool"),
  // Evolution: rules on how the specification may change.
  "FRX-EVO-003": spec("what a minor version may change (spec/'s own tests compare versions)"),
  "FRX-EVO-004": spec("how an incompatible change is named"),
  "FRX-EVO-005": agency("a sender checks the recipient node's advertised minor version"),
  "FRX-EVO-006": spec("what a version may add to the sensitivity annotations"),
  "FRX-EVO-007": pending(
    "observable once a minor version deprecates something; v1.0 deprecates nothing, so there is nothing to send yet",
  ),
  "FRX-EVO-009": spec("codes and ids are never reused"),
  "FRX-POL-001": spec("the code lists (spec/'s own tests check them)"),
  // Envelope: sender obligations, and node behaviours not yet tested.
  "FRX-ENV-004": agency("a fresh ULID per envelope"),
  "FRX-ENV-005": agency("minting case ids"),
  "FRX-ENV-006": agency("minting pseudonyms per counterpart"),
  "FRX-ENV-007": agency("using a pseudonym only with its minter"),
  "FRX-ENV-008": agency("addressing a pseudonymous body to one participant"),
  "FRX-ENV-014": agency("using content only for its declared purpose"),
  "FRX-ENV-029": internal(
    "a node that cannot store or verify: the harness cannot close a node's store or unload its keys",
  ),
  "FRX-ENV-030": internal("an unexpected fault cannot be provoked from outside on purpose"),
  "FRX-ENV-032": internal(
    "the agency API's one JSON request body (the inbox acknowledgement) has a strict schema (FRX-API-016) that refuses any deeply nested body with the same code, request.malformed, so a depth check made before parsing cannot be told apart from outside",
  ),
  "FRX-ENV-036": internal(
    "the kit turns the node's rate limits off (the suite breaks rules hundreds of times from one address)",
  ),
  // Signing.
  "FRX-JCS-004": pending(
    "sign a payload with insignificant whitespace variants the node would re-serialize",
  ),
  "FRX-SIG-005": pending(
    "rotate a node key and check the retired one stays listed; needs an operator hook",
  ),
  "FRX-SIG-006": operator("a key is declared compromised by an admin call"),
  "FRX-SIG-015": operator("a harness agency key is retired by an admin call (key rotation)"),
  "FRX-SIG-025": pending(
    "FRX-API-006 now fixes the order of token checks; no test follows it yet (an unknown iss also has no key, FRX-SIG-021; the reference node answers auth.token-invalid)",
  ),
  // Trust list.
  "FRX-TRUST-006": internal(
    "a genesis is judged only by a node with no list in force, which a certified set-up never is",
  ),
  "FRX-TRUST-007": internal(
    "a genesis is judged only by a node with no list in force, which a certified set-up never is",
  ),
  "FRX-TRUST-029": pending(TRUST_APPLY),
  "FRX-TRUST-014": internal("the versions a node keeps are in its store; no interface lists them"),
  "FRX-TRUST-015": pending(
    "needs a list in force that expires during the run (a second, short-lived version applied through an operator hook)",
  ),
  "FRX-TRUST-016": pending("needs a list in force that expires during the run"),
  "FRX-TRUST-017": pending("needs a list in force that expires during the run"),
  "FRX-TRUST-019": pending("needs a list in force that expires during the run"),
  "FRX-TRUST-018": internal(
    "needs a node with no trust list, which a certified set-up never is (the pre-flight check requires one)",
  ),
  "FRX-TRUST-021": pending(
    "needs a peer key whose notBefore or notAfter falls inside the run: a second version through an operator hook",
  ),
  "FRX-TRUST-027": pending(
    "needs the node suspended in its own list: a version through an operator hook",
  ),
  "FRX-TRUST-028": pending(
    "needs the node suspended in its own list: a version through an operator hook",
  ),
  // Federation.
  "FRX-FED-006": pending(
    "the harness peer serves an older directory; the node keeps the newer one",
  ),
  "FRX-FED-007": internal("durable storage across a restart: the harness cannot restart the node"),
  "FRX-FED-009": pending(
    "the harness peer rotates an agency key without telling; the node refetches once",
  ),
  "FRX-FED-015": pending("send a 23 MB transaction of 50 envelopes of 262,144 bytes"),
  "FRX-FED-029": internal("kept until expiresAt plus skew: longer than a run"),
  "FRX-FED-030": internal(
    "two concurrent attempts of one transaction: which one wins is timing, which a black-box test cannot fix",
  ),
  "FRX-FED-036": pending(
    "a peer transaction addressing a third node's agency must not be forwarded",
  ),
  "FRX-FED-040": internal("storing before replying, across a crash"),
  "FRX-FED-044": pending("the receipts of a delivered envelope are visible to its sender"),
  "FRX-FED-048": internal(
    "a random backoff: only its distribution, over many failures, could be judged",
  ),
  "FRX-FED-049": pending("after a wake from the peer, the node retries its queue at once"),
  "FRX-FED-052": pending("an envelope that expires while the peer is down is not sent"),
  "FRX-FED-053": pending(
    "the transaction in flight is abandoned when one of its envelopes expires",
  ),
  "FRX-FED-054": pending(
    "needs the peer removed from the list in force: a version through an operator hook",
  ),
  "FRX-FED-061": internal(
    "a node sends wakes when it comes back from an outage, and the harness cannot restart the node",
  ),
  "FRX-FED-067": internal(
    "needs more concurrent transaction bodies than the node's configured bound, held open at once: timing-dependent",
  ),
  "FRX-FED-071": internal(
    "needs a queued envelope over 262,144 bytes, which FRX-FED-070 keeps out of the queue",
  ),
  "FRX-FED-072": operator("registering an agency is an admin call"),
  // Messages, policy, receipts, state machines.
  "FRX-MSG-003": pending("after a case.transfer, the case view names the new owner"),
  "FRX-MSG-004": agency("listing each evidence file in attachments"),
  "FRX-INV-008": agency("naming hostCountry in a joint investigation.propose"),
  "FRX-POL-023": agency("stopping processing after a consent.withdraw"),
  "FRX-POL-024": agency("not sending a victim as a suspect"),
  "FRX-POL-025": agency("not writing sensitive data into untagged fields"),
  "FRX-POL-026": agency("suppressing small stats.report cells"),
  "FRX-RCPT-001": internal("durability before the receipt, across a crash"),
  "FRX-RCPT-006": internal("kept until expiresAt plus skew: longer than a run"),
  "FRX-REF-009": pending(
    "a non-authoritative node applies its agency's transition only after the peer's receipt",
  ),
  // Deadlines across borders (issue 12): node tests cover these
  // (node/test/federation/deadlines-across-borders.test.ts, deadlines-investigation.test.ts).
  "FRX-DL-203": pending(
    "the harness peer's directory lists no coordinator, so the escalation to the referrer country's coordinator cannot be watched",
  ),
  "FRX-DL-204": pending(
    "a peer's deadline notice naming both a referral and an investigation would be refused with schema.invalid; no test sends one yet",
  ),
  "FRX-DL-206": pending(
    "the kit registers no coordinator at the node under test to receive a peer's escalation",
  ),
  "FRX-DL-207": pending(
    "the investigation respond deadline runs 10 working days; the kit does not shorten it, so that other investigation tests draw no notices",
  ),
  // Issue 12: attachments across borders, outcomes as state, case authority. Node tests cover
  // them (node/test/federation/attachments.test.ts, remedies, sanction-tracks, case-transfer);
  // the suite's harness peer does not yet speak the attachment route.
  "FRX-FED-073": pending(
    "the harness peer would have to receive an envelope with a file and watch the file arrive first",
  ),
  "FRX-FED-074": pending("the harness peer would have to open the sealed records of a transfer"),
  "FRX-FED-075": pending(
    "the harness peer would have to send transfer documents with each failing check",
  ),
  "FRX-FED-076": pending("the harness peer would have to PUT at a wrong offset"),
  "FRX-FED-077": pending("the harness peer would have to cut a transfer and probe what is held"),
  "FRX-FED-078": pending("the harness peer would have to send a record that does not authenticate"),
  "FRX-FED-079": pending("the harness peer would have to offer a file over the node's limit"),
  "FRX-FED-080": pending(
    "the harness peer would have to transfer bytes that hash to another digest",
  ),
  "FRX-FED-081": pending(
    "the harness peer would have to send an envelope naming a file it never transferred",
  ),
  "FRX-FED-082": internal(
    "the origin's own timeline while files are in transit: needs a peer that holds them back",
  ),
  "FRX-FED-083": pending(
    "the harness peer would have to refuse a file and the suite read delivery.failed",
  ),
  "FRX-FED-084": pending(
    "evidence from the harness peer with its file, then the case view's custody",
  ),
  "FRX-MSG-013": pending("a case.transfer by a former owner after a transfer"),
  "FRX-REM-001": pending("remedy.claim and remedy.update moves the machine does not have"),
  "FRX-REM-002": pending("a remedy.update from an agency outside the claim"),
  "FRX-REM-003": pending("a remedy.update in another currency"),
  "FRX-REM-004": pending("a total paid above the award or below the last"),
  "FRX-REM-005": pending("paid, partially_paid and awarded with amounts that do not fit"),
  "FRX-REM-006": pending("an award changed once given"),
  "FRX-REM-007": pending("the case view's claims, for a party outside the claim"),
  "FRX-REM-008": pending("the case view's instalments after two payments"),
  "FRX-REM-009": pending("sanction.notify moves the sanction machine does not have"),
  "FRX-REM-010": pending("a sanction moved on by another agency than its imposer"),
  "FRX-REM-011": pending("the case view's tracks after a sanction, proceedings and a report"),
  "FRX-REM-012": pending("the case view's track lead and status"),
  "FRX-REM-013": pending("the case view's tracks for a party told of one entry only"),
  "FRX-REM-301": pending(
    "remedy.update schedules that do not add up, do not increase, or come before the award",
  ),
  "FRX-REM-302": internal(
    "payment due dates fall days or weeks after the award; the suite cannot move the node's clock",
  ),
  "FRX-REM-303": internal(
    "the absence of a notice after a due date that the suite cannot move the node's clock to",
  ),
  "FRX-REM-304": pending(
    "the case view's schedule and overdue list after a payment (overdue needs the clock)",
  ),
  "FRX-REM-305": pending("a case.transfer, then the new owner's case view of the case's claims"),
  "FRX-FED-301": operator(
    "an agency's sanction regimes and procedures are registered by an admin call",
  ),
  "FRX-FED-302": operator("a sanction regime is registered by an admin call"),
  "FRX-REG-005": pending(
    "the harness peer would have to answer the node's registry question with a bad signature or shape",
  ),
  "FRX-REG-006": pending("the harness peer would have to answer another question"),
  "FRX-REG-007": pending("the harness peer would have to list another country's entries"),
  "FRX-REG-008": agency("verifying each answered member's JWS against the trust list"),
  // The agency API (spec/agency-api.md), specified after this table was first written.
  "FRX-API-001": pending("call each route and validate the answer against spec/schemas/api"),
  "FRX-API-002": pending("submit twice: 201 accepted, then 200 duplicate"),
  "FRX-API-003": pending("compare a duplicate's receipt with the first, byte for byte"),
  "FRX-API-004": agency("treating the code, not the status, as the outcome"),
  "FRX-API-005": pending(
    "compare every refusal's status with envelope.md's table (today the suite notes a differing status; it does not fail it)",
  ),
  "FRX-API-006": pending("tokens that break two checks, refused with the earlier one's code"),
  "FRX-API-007": pending("tokens with a claim missing or added, a fractional iat, a bad jti"),
  "FRX-API-008": agency("a fresh token and jti per call"),
  "FRX-API-009": agency("verifying the receipt before treating the envelope as stored"),
  "FRX-API-010": agency("retrying with the identical JWS"),
  "FRX-API-011": pending("page the inbox with after and limit"),
  "FRX-API-012": pending("a long-poll with wait in milliseconds, answered when an item arrives"),
  "FRX-API-013": pending("after, limit and wait out of range or not decimal"),
  "FRX-API-014": pending("read an item twice before acknowledging it"),
  "FRX-API-015": agency("verifying inbox items at their receivedAt"),
  "FRX-API-016": pending("acknowledgement bodies that do not match the schema"),
  "FRX-API-017": pending("acknowledge another agency's cursor; its item stays"),
  "FRX-API-018": pending("a non-party asks for a case: the same answer as for no case"),
  "FRX-API-019": internal(
    "a node with no trust list in force, which a certified set-up never is (the pre-flight check requires one)",
  ),
  "FRX-API-020": pending("the metadata lists the minor versions the node implements"),
  "FRX-API-021": pending("a payload that begins with a byte-order mark"),
  "FRX-API-022": pending("a payload with a duplicated member name"),
  "FRX-API-023": pending("values that fail date-time, date and uri formats"),
  "FRX-API-024": pending("a consent expiring between the envelope's sentAt and its arrival"),
  "FRX-API-025": agency("not relying on the order of violations"),
};
