import { readFile } from "node:fs/promises";
import { printable, terminalJson } from "../../config/text.js";
import type { ErasureRecord } from "../../privacy/erase.js";
import type { NoticeStatus } from "../../privacy/notice-dead-letters.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { lines } from "../io.js";

export const erasureNoticeApplyCommand: Command = {
  path: ["erasure-notice", "apply"],
  summary: "act on another node's erasure notice (FRX-DP-011)",
  usage: `Usage: frx-node erasure-notice apply --dir DIR --file FILE

Verifies the notice against the trust list in force (signed by its origin node), and erases the
messages it names only when that node has a party in the case here and the messages are of
that case (otherwise dp.not-party); cases under a legal hold are kept. ${BOTH_WAYS}
`,
  flags: { ...DIR_FLAG, file: { kind: "string", required: true }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const notice = (await readFile(flags.string("file"), "utf8")).trim();
    const record = await runOperation<ErasureRecord>(
      flags.string("dir"),
      io,
      "erasure.notice",
      { notice },
      flags.optional("operator-key"),
    );
    io.stdout(
      lines(`erasure ${record.id}: content of ${record.messages.length} message(s) erased`),
    );
    return 0;
  },
};

export const erasureNoticeListCommand: Command = {
  path: ["erasure-notice", "list"],
  summary: "list the erasure notices not yet delivered: queued, and dead letters (FRX-DP-014)",
  usage: `Usage: frx-node erasure-notice list --dir DIR [--json]

Lists the erasure notices this node has not delivered to the nodes they name: those still
being retried (attempts, last error) and the dead letters, refused by the node or not accepted
within 7 days (FRX-DP-014). Retry or discard a dead letter with frx-node erasure-notice retry
or discard; carry it by hand with the notice that frx-node erase printed. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --json                print them as JSON
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const notices = await runOperation<NoticeStatus[]>(
      flags.string("dir"),
      io,
      "erasure-notice.list",
      {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(terminalJson(notices)));
    else if (notices.length === 0) io.stdout(lines("no erasure notices waiting"));
    else
      io.stdout(
        lines(
          ...notices.map((n) =>
            printable(
              `${n.state}  ${n.node}  erasure ${n.erasure}  queued ${n.queuedAt}  attempts ${n.attempts}${n.lastError ? `  ${n.lastError}` : ""}`,
            ),
          ),
        ),
      );
    return 0;
  },
};

function settleCommand(action: "retry" | "discard"): Command {
  return {
    path: ["erasure-notice", action],
    summary:
      action === "retry"
        ? "queue a dead erasure notice again for its node"
        : "discard a dead erasure notice (with an audit entry)",
    usage: `Usage: frx-node erasure-notice ${action} --dir DIR --erasure ID --node CC

${action === "retry" ? "Queues the signed notice again, unchanged, for the same node, with a new 7-day retry window." : "Removes the dead letter; the erasure here stands, the other node is not told (carry the notice by hand)."} Audited. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --erasure ID          the erasure's id (erasure list, erasure-notice list)
  --node CC             the node the notice is for
  --operator-key FILE   the operator key for a running node
`,
    flags: {
      ...DIR_FLAG,
      erasure: { kind: "string", required: true },
      node: { kind: "string", required: true },
      ...OPERATOR_KEY_FLAG,
    },
    async run(flags, io) {
      const erasure = flags.string("erasure");
      const node = flags.string("node");
      await runOperation(
        flags.string("dir"),
        io,
        `erasure-notice.${action}`,
        { erasure, node },
        flags.optional("operator-key"),
      );
      io.stdout(
        lines(
          `erasure notice ${erasure} for ${node} ${action === "retry" ? "queued again" : "discarded"}`,
        ),
      );
      return 0;
    },
  };
}

export const ERASURE_NOTICE_COMMANDS: readonly Command[] = [
  erasureNoticeApplyCommand,
  erasureNoticeListCommand,
  settleCommand("retry"),
  settleCommand("discard"),
];
