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
  reason: `an obligation of the agency system that leaves nothing a node, or the client profile's stand-in node, could observe: ${reason}`,
});
const internal = (reason: string): Uncovered => ({
  kind: "not-black-box",
  reason: `internal to the node: ${reason}`,
});
const operator = (reason: string): Uncovered => ({
  kind: "not-black-box",
  reason: `reached only through the operator's interfaces, and none of the operator steps (docs/certification.md, "Operator steps") shows it to the suite: ${reason}`,
});
const pending = (reason: string): Uncovered => ({ kind: "pending", reason });

/** Why the audit verification's findings are not tested. */
const UNTAMPERED =
  "a verification finds a mismatch only in a store edited behind the node's back, which a black-box test cannot do (and no operator step should); on an honest store every verification passes, which shows nothing of this check";

export const UNCOVERED: Readonly<Record<string, Uncovered>> = {
  // Admin API: an operator-only listener (spec/admin.md). The operator steps of
  // docs/certification.md reach agencies, keys and dead letters (suite/operator-*.ts).
  "FRX-ADM-001": operator(
    "where the admin API listens, and whether the node starts with another admin address, are seen only on the node's host; the suite reaches its public listener, where admin operations are not answered (FRX-ADM-002, asserted)",
  ),
  "FRX-ADM-003": operator(
    "admin tokens are judged on the admin listener, on the node's host (FRX-ADM-001); the steps run the operator's own tool with the operator's own key, so a test of the token checks would need an operator key of the harness registered and a step that relays the suite's tokens there, which the steps do not define",
  ),
  "FRX-ADM-005": operator(
    "the audit log's entries are read only with the operator's tools; no step exports them",
  ),
  "FRX-ADM-006": operator(
    "the console is served on the admin listener, which the suite does not reach (FRX-ADM-001)",
  ),
  "FRX-ADM-008": internal(
    "keeping a revoked key to verify what the node stored before revokedAt: no interface verifies a stored envelope again (the first half, a revoked key left out of the published directory, is asserted with FRX-SIG-006 through the step revoke-agency-key)",
  ),
  "FRX-ADM-014": operator(
    "a dead erasure notice needs a receiving node that refuses the notice (or a retry window of 7 days to pass); the harness peer takes no erasure notices (see FRX-DP-010)",
  ),
  // Data protection at rest (spec/data-protection.md): the store, its keys and operator tools.
  "FRX-DP-001": internal("encryption at rest is of the node's own store and files"),
  "FRX-DP-002": operator(
    "the data key is read when the node starts: a test needs the node started with a missing, malformed or widely readable key file, and no step starts the node",
  ),
  "FRX-DP-003": operator(
    "which data key seals a stored record is inside the store; the operator's tools rotate, re-encrypt and retire keys, and nothing of their effect reaches an interface",
  ),
  "FRX-DP-004": operator(
    "retention needs time moved past years (or periods of seconds in the node's configuration, which national law sets, not the kit), and the operator runs the job",
  ),
  "FRX-DP-005": operator(
    "the periods a node applies are its configuration's (national law), which the suite cannot read, so `retention` in the metadata can be checked for shape only",
  ),
  "FRX-DP-007": operator(
    "the audit chain's entries are read only with the operator's tools; no step exports them (as FRX-ADM-005)",
  ),
  "FRX-DP-012": pending(
    "spec/ gives the subject-access export (frx-subject-access+jws) no schema, so a test could check its signature but not that it holds the sender, recipients, times, purpose and only the person's entries; with a schema, an export-person step makes it testable",
  ),
  "FRX-DP-014": internal("a 7-day retry window and the dead letters the operator reads"),
  "FRX-DP-018": internal("the store's log and table files, and backups, are the operator's"),
  "FRX-DP-019": internal("a partly received file is on the node's disk, never served"),
  // Audit: verification is an operator tool over the node's store, and finds something only in
  // a store tampered with.
  "FRX-AUD-001": internal("the audit hash chain lives in the node's store"),
  "FRX-AUD-002": internal(UNTAMPERED),
  "FRX-AUD-003": operator(
    "the checkpoints the node signs are kept in its store and on its host; an export is an operator tool (the reference node's needs the node stopped), and no step hands one over",
  ),
  "FRX-AUD-004": internal(UNTAMPERED),
  "FRX-AUD-005": internal(
    "the number of unanchored entries depends on how many entries the node wrote since its last checkpoint, which the suite cannot count from outside",
  ),
  "FRX-AUD-006": internal(UNTAMPERED),
  // Evolution: rules on how the specification may change.
  "FRX-EVO-003": spec("what a minor version may change (spec/'s own tests compare versions)"),
  "FRX-EVO-004": spec("how an incompatible change is named"),
  "FRX-EVO-005": spec(
    "v1.0 is the only version: every message type, member and code value was introduced by 1.0, which every node advertises, so no stand-in node can advertise a version that leaves out something a client sends; the client profile's check comes with the first minor version (a stand-in advertising 1.0 only, and a task that a 1.1 member would serve)",
  ),
  "FRX-EVO-006": spec("what a version may add to the sensitivity annotations"),
  "FRX-EVO-007": spec(
    "v1.0 deprecates no message type, member or code value (spec/evolution.md), so there is nothing a node could stop accepting; the test comes with the first deprecation",
  ),
  "FRX-EVO-009": spec("codes and ids are never reused"),
  "FRX-POL-001": spec("the code lists (spec/'s own tests check them)"),
  // Envelope: node behaviours not tested; what a recipient does inside its own system.
  "FRX-ENV-014": agency(
    "the purposes a recipient puts content to inside its own system; what it sends on is judged by the node's purpose and policy checks",
  ),
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
  "FRX-SIG-025": operator(
    "under the order of token checks that FRX-API-006 fixes, a token whose iss is no participant fails earlier with auth.token-invalid: at step 4 when its key is registered for no agency, at step 8 when iss is not the owner of the registered key that signed it. auth.participant-unknown (step 5) is left for a registered key whose owner has left the directory: no step removes an agency (disable-agency leaves it listed, disabled: auth.participant-disabled), and the reference node removes none",
  ),
  // Trust list.
  "FRX-TRUST-006": internal(
    "a genesis is judged only by a node with no list in force, which a certified set-up never is",
  ),
  "FRX-TRUST-007": internal(
    "a genesis is judged only by a node with no list in force, which a certified set-up never is",
  ),
  "FRX-TRUST-014": internal("the versions a node keeps are in its store; no interface lists them"),
  "FRX-TRUST-018": internal(
    "needs a node with no trust list, which a certified set-up never is (the pre-flight check requires one)",
  ),
  // Federation.
  "FRX-FED-007": internal("durable storage across a restart: the harness cannot restart the node"),
  "FRX-FED-029": internal("kept until expiresAt plus skew: longer than a run"),
  "FRX-FED-030": internal(
    "two concurrent attempts of one transaction: which one wins is timing, which a black-box test cannot fix",
  ),
  "FRX-FED-040": internal("storing before replying, across a crash"),
  "FRX-FED-048": internal(
    "a random backoff: only its distribution, over many failures, could be judged",
  ),
  "FRX-FED-049": pending(
    "under the kit's backoff cap of one second (so that retries are seen within a run) a retry at once after a wake cannot be told from the next scheduled one; a run with a long backoff, and a wake, would show it",
  ),
  "FRX-FED-061": internal(
    "a node sends wakes when it comes back from an outage, and the harness cannot restart the node",
  ),
  "FRX-FED-067": internal(
    "needs more concurrent transaction bodies than the node's configured bound, held open at once: timing-dependent",
  ),
  "FRX-FED-088": internal(
    "when the node sends each attempt against its random backoff (FRX-FED-048): only the distribution over many failures, and a window of attempts all failing together, could show it",
  ),
  "FRX-FED-089": internal(
    "resuming the window needs the node killed and restarted with transactions in flight, which the harness cannot do (node/test/federation/window-crash.test.ts does)",
  ),
  "FRX-FED-071": internal(
    "needs a queued envelope over 262,144 bytes, which FRX-FED-070 keeps out of the queue",
  ),
  // Messages, policy, receipts, state machines.
  "FRX-POL-023": agency(
    "stopping processing and deleting, returning or restricting the data inside the agency's system; what it would still send in the case is refused by its node (policy.consent-withdrawn), so a client's breach never reaches a node",
  ),
  "FRX-POL-024": agency(
    "a suspectRef is a pairwise pseudonym that no node can link to the personRef of a victim (FRX-ENV-006), and whom the agency holds as a victim is in its own records; a scenario could only instruct the client to name a victim as a suspect, and the spec gives an agency system no refusal to report for it",
  ),
  "FRX-RCPT-001": internal("durability before the receipt, across a crash"),
  "FRX-RCPT-006": internal("kept until expiresAt plus skew: longer than a run"),
  // Deadlines across borders (issue 12): node tests cover these
  // (node/test/federation/deadlines-across-borders.test.ts, deadlines-investigation.test.ts).
  "FRX-DL-010": pending(
    "the harness peer's directory lists no coordinator, so the escalation to the referrer country's coordinator cannot be watched",
  ),
  "FRX-DL-013": pending(
    "the kit registers no coordinator at the node under test to receive a peer's escalation",
  ),
  // Issue 12: attachments across borders. The harness peer sends files (federation-files.ts)
  // and receives them (federation-files-out.ts).
  "FRX-FED-082": pending(
    'spec/ does not fix how a timeline line shows files in transit (the reference node writes it in the free-text note of its delivery line, "files in transit to XA"); a test needs a machine-readable mark first, then the harness peer holds the files back (PeerFiles.refuse = "unavailable") while the suite reads the origin\'s timeline',
  ),
  // The agency API (spec/agency-api.md), specified after this table was first written.
  "FRX-API-032": internal("durability of the replay store across a kill or a crash of the node"),
  "FRX-API-019": internal(
    "a node with no trust list in force, which a certified set-up never is (the pre-flight check requires one)",
  ),
  "FRX-API-025": agency(
    "what a client does with the order of a refusal's violations is inside it: the contract's not-stored line carries the refusal's code, the gravest (Rule 9 of policy.md), and a client that sorted or ignored the list would print the same line",
  ),
};
