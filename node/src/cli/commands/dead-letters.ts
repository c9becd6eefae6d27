import { printable, terminalJson } from "../../config/text.js";
import type { DeadLetter } from "../../federation/outbox-store.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";

export const deadLettersListCommand: Command = {
  path: ["dead-letters", "list"],
  summary: "list envelopes this node gave up delivering to a peer",
  usage: `Usage: frx-node dead-letters list --dir DIR [--json]

Lists the dead letters: peer, message id, sender, why (expired, peer_unreachable,
refused_by_peer, recipient_unknown) and when. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --json                print them as JSON
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const dead = await runOperation<Omit<DeadLetter, "jws">[]>(
      flags.string("dir"),
      io,
      "dead-letter.list",
      {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(terminalJson(dead)));
    else if (dead.length === 0) io.stdout(lines("no dead letters"));
    else
      io.stdout(
        lines(
          ...dead.map((d) =>
            printable(
              `${d.peer}  ${d.messageId}  from ${d.from}  ${d.reason}${d.errorCode ? ` (${d.errorCode})` : ""}  at ${d.deadAt}`,
            ),
          ),
        ),
      );
    return 0;
  },
};

function settleCommand(action: "retry" | "discard"): Command {
  return {
    path: ["dead-letters", action],
    summary:
      action === "retry"
        ? "queue a dead letter again for its peer"
        : "discard a dead letter (with an audit entry)",
    usage: `Usage: frx-node dead-letters ${action} --dir DIR --peer CC --id MESSAGE-ID

${action === "retry" ? "Queues the envelope again, unchanged, for the same peer; one past its expiresAt is refused (delivery.expired, FRX-ADM-010)." : "Removes the dead letter; its sender was told of the failure when it died."} ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --peer CC             the peer node
  --id MESSAGE-ID       the envelope's id
  --operator-key FILE   the operator key for a running node
`,
    flags: {
      dir: { kind: "string", required: true },
      peer: { kind: "string", required: true },
      id: { kind: "string", required: true },
      ...OPERATOR_KEY_FLAG,
    },
    async run(flags, io) {
      const peer = flags.string("peer");
      const messageId = flags.string("id");
      await runOperation(
        flags.string("dir"),
        io,
        `dead-letter.${action}`,
        { peer, messageId },
        flags.optional("operator-key"),
      );
      io.stdout(
        lines(`${messageId} for ${peer} ${action === "retry" ? "queued again" : "discarded"}`),
      );
      return 0;
    },
  };
}

export const deadLettersRetryCommand = settleCommand("retry");
export const deadLettersDiscardCommand = settleCommand("discard");
