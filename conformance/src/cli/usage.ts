export const KIT_USAGE = `Usage: frx-conformance kit --out DIR --node-id CC [--node-member FILE] [--peer-url URL] [--force]

Writes a certification kit: harness agency keys and their registration file (agencies.json,
register-reference-node.sh), the harness peer node's keys and trust-list entries, a genesis
trust list signed by the harness (with the node under test when --node-member gives its entry
from frx-node trust member), config-overrides.json, and kit.json with the report key's public
JWK. A folder that already holds a kit is refused: its keys may be installed at a node.

  --out DIR            the folder to write the kit to
  --node-id CC         the country code of the node under test, e.g. TH
  --node-member FILE   the node's trust-list entry (frx-node trust member --dir … > FILE)
  --peer-url URL       where the harness peer listens during runs
                       (default http://127.0.0.1:7499; loopback)
  --force              overwrite a kit already in --out
`;

export const RUN_USAGE = `Usage: frx-conformance run --node URL --kit DIR --report DIR
                           [--profile core|federation|full] [--only ID,…] [--force]
                           [--operator CMD]
       frx-conformance run --client CMD --kit DIR --report DIR [--scenario NAME,…] [--force]

With --node: runs the suite against the node at URL and writes report.json, report.json.jws,
junit.xml and report.html to DIR. Before any test it checks that the kit is installed at the
node (its agencies, the trust list, the short deadlines of config-overrides.json) and stops,
writing no report, when it is not. Exit 0 only when every mandatory test passed.

  --node URL       the node under test's base URL
  --kit DIR        a kit written by frx-conformance kit and installed at the node
  --report DIR     the folder to write the reports to (an existing report is refused)
  --profile P      core (agency API only), federation, or full (default)
  --only ID,…      run only these tests (by test id)
  --force          overwrite a report already in --report
  --operator CMD   the operator's steps: the suite runs \`CMD apply-trust-list FILE\` to have
                   the node apply a trust-list version (exit 0: applied; otherwise refused,
                   printing the FRX error code), and \`CMD sign-trust-list FILE\` to have the
                   node add its signature to the version in FILE, in place (exit 0: signed).
                   The other steps, \`CMD STEP [ARG…] [FILE]\`, register, change and
                   disable agencies, rotate and revoke their keys, list, retry and discard
                   dead letters, place and release legal holds and erase by personRef; exit 3
                   means the step is not offered (docs/certification.md, "Operator steps").
                   For the reference node:
                   --operator "sh kit/operator-reference-node.sh NODE_DIR". Without it the
                   tests needing the operator are skipped, and the run cannot pass.

With --client: the client profile, which certifies an agency system. The suite plays the
national node (the kit's node id, on 127.0.0.1) and a foreign node (XA) behind it, and runs
CMD through sh -c once per scenario (inbox, rate-limited, not-ready, lost-reply, conflict,
receipt-stranger, receipt-digest, case-work) with these environment variables:

  FRX_NODE_URL               the stand-in node's base URL
  FRX_NODE                   its id: the aud of tokens, the signer of receipts
  FRX_PARTICIPANT            the agency the client acts as (CC:CONF-CLIENT)
  FRX_KEY_FILE               that agency's private Ed25519 JWK, registered at the node
  FRX_STATE_DIR              an empty folder of the client's own for this scenario
  FRX_CONFORMANCE_SCENARIO   the scenario's name (for logs; behave the same in every one)
  FRX_TASK_FILE              {"tasks":[…]}: the case work to do after the inbox (open a case,
                             refer onward, report statistics); an empty list in most scenarios

In every scenario the client reads its inbox until a read brings nothing new, verifies each
item, answers each referral.create that verified with a message in its thread (e.g.
referral.acknowledge), does the tasks of FRX_TASK_FILE, and exits; it prints one JSON object per line on stdout:

  {"event":"received","cursor":N,"messageId":ID}          an inbox item that verified
  {"event":"rejected","cursor":N,"messageId":ID,"code":C}  one that did not (code optional)
  {"event":"stored","messageId":ID,"status":"accepted"|"duplicate","receipt":JWS}
  {"event":"not-stored","messageId":ID,"code":C}   the node's refusal code, or
                                                   client.receipt-invalid, or client.*

A scenario's client is stopped after 60 s. The checks judge what the node saw (tokens,
signatures, resubmissions and their timing, case ids, pseudonyms, files listed, suppressed
cells) and what the client reported; each names the requirement it asserts. The kit's report key signs the report. Exit 0 only
when every mandatory check passed. docs/certification.md has the full contract.

  --client CMD        the command that runs the agency system under test
  --scenario NAME,…   run only these scenarios (their checks; the others are skipped)
`;

export const VERIFY_USAGE = `Usage: frx-conformance verify-report DIR [--kit DIR|FILE]

Checks that DIR/report.json.jws is a detached signature (RFC 7515 Appendix F) over the exact
bytes of DIR/report.json, made with the report key report.json names (reportKey). With --kit,
also checks that this key is the one the kit's kit.json names: without it, anyone could have
made the key. Exit 0 when the report verifies, 1 when it does not.

  --kit DIR|FILE   the kit folder, or its kit.json, the certifier published
`;

export const USAGE = `Usage: frx-conformance COMMAND [flags]

Runs the FRX conformance suite against a national node, or (run --client) against an
agency system. Commands:

  kit             write a certification kit (keys, trust list, registration file) for a node
  run             run the suite against a node (--node) or an agency system (--client) and
                  write signed reports
  verify-report   check a report's detached signature

Run frx-conformance COMMAND --help for a command's flags.
Exit codes: 0 pass, 1 a mandatory test failed (or the run could not start), 2 bad usage.
`;

export const COMMAND_USAGE: Record<string, string> = {
  kit: KIT_USAGE,
  run: RUN_USAGE,
  "verify-report": VERIFY_USAGE,
};
