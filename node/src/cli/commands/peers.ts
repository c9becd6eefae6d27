import { printable, terminalJson } from "../../config/text.js";
import type { PeerStatus } from "../../admin/outbox-status.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";

export const peersCommand: Command = {
  path: ["peers"],
  summary: "show each peer node's outbox: queue, transaction in flight, last error, dead letters",
  usage: `Usage: frx-node peers --dir DIR [--json]

Shows each peer node of the trust list in force (and any other with envelopes queued or
dead): its status, envelopes queued, the transaction in flight and its attempts, dead
letters, the last contact and last error, and when the next attempt is due. The last three
are known only while the node runs. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --json                print the statuses as JSON
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const peers = await runOperation<PeerStatus[]>(
      flags.string("dir"),
      io,
      "peers",
      {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) {
      io.stdout(lines(terminalJson(peers)));
      return 0;
    }
    if (peers.length === 0) {
      io.stdout(lines("no peers: no trust list is applied, and nothing is queued"));
      return 0;
    }
    const rows = [
      [
        "PEER",
        "STATUS",
        "QUEUED",
        "IN FLIGHT",
        "DEAD",
        "LAST CONTACT",
        "NEXT ATTEMPT",
        "LAST ERROR",
      ],
      ...peers.map((p) =>
        [
          p.peer,
          p.status ?? "not a member",
          String(p.queued),
          inFlight(p.inFlight),
          String(p.deadLetters),
          p.lastContactAt ?? "-",
          p.nextAttemptAt ?? "-",
          p.lastError?.slice(0, 80) ?? "-",
        ].map(printable),
      ),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    io.stdout(
      lines(
        ...rows.map((r) =>
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join("  ")
            .trimEnd(),
        ),
      ),
    );
    return 0;
  },
};

/** The window in one cell: "2 txns, 57 envelopes (at most 3 tries)", or "-". */
function inFlight(window: PeerStatus["inFlight"]): string {
  if (window.length === 0) return "-";
  const envelopes = window.reduce((n, t) => n + t.envelopes, 0);
  const tries = Math.max(...window.map((t) => t.attempts));
  return `${window.length} txn${window.length > 1 ? "s" : ""}, ${envelopes} envelopes (at most ${tries} tries)`;
}
