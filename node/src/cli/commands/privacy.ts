import { writeFile } from "node:fs/promises";
import { terminalJson } from "../../config/text.js";
import type { ErasureRecord } from "../../privacy/erase.js";
import type { LegalHold } from "../../privacy/holds.js";
import type { RetentionReport } from "../../privacy/retention.js";
import type { SubjectAccessExport } from "../../privacy/subject-access.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { field, lines } from "../io.js";
import { DATA_KEY_COMMANDS } from "./data-key.js";
import { ERASURE_NOTICE_COMMANDS } from "./erasure-notice.js";

const JSON_FLAG = { json: { kind: "boolean" } } as const;

export const retentionRunCommand: Command = {
  path: ["retention", "run"],
  summary: "erase person-level content whose retention period has passed (FRX-DP-004)",
  usage: `Usage: frx-node retention run --dir DIR [--dry-run] [--json]

Finds every stored message whose retention period (by type and tier, after its case closed)
has passed, and erases its content, keeping what audit verify and receipts need. Cases under
a legal hold are kept and listed. With --dry-run nothing is written. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --dry-run             report what would be erased, erase nothing
  --json                print the report as JSON
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, "dry-run": { kind: "boolean" }, ...JSON_FLAG, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const report = await runOperation<RetentionReport>(
      flags.string("dir"),
      io,
      "retention.run",
      { dryRun: flags.bool("dry-run") },
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(terminalJson(report)));
    else
      io.stdout(
        lines(
          `${report.dryRun ? "would erase" : "erased"} the content of ${report.due.length} message(s)`,
          ...report.due.map((d) => `  ${d.messageId}  ${d.type} ${d.tier}  due ${d.dueAt}`),
          `kept under a legal hold: ${report.held.length}`,
          ...report.held.map((h) => `  ${h.messageId}  case ${h.case}  hold ${h.hold}`),
          ...(report.erasure ? [field("erasure", report.erasure.id)] : []),
        ),
      );
    return 0;
  },
};

export const holdPlaceCommand: Command = {
  path: ["hold", "place"],
  summary: "place a legal hold on a case: its content is not erased (FRX-DP-008)",
  usage: `Usage: frx-node hold place --dir DIR --case CASE --reason TEXT

Suspends every erasure in the case (retention, request, notice) while an investigation or
proceedings are open; recorded and audited. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --case CASE           the case id
  --reason TEXT         why (the investigation or proceedings), 1 to 500 characters
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    ...DIR_FLAG,
    case: { kind: "string", required: true },
    reason: { kind: "string", required: true },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const hold = await runOperation<LegalHold>(
      flags.string("dir"),
      io,
      "hold.place",
      { case: flags.string("case"), reason: flags.string("reason") },
      flags.optional("operator-key"),
    );
    io.stdout(lines(`legal hold ${hold.id} on case ${hold.case} since ${hold.placedAt}`));
    return 0;
  },
};

export const holdReleaseCommand: Command = {
  path: ["hold", "release"],
  summary: "release a legal hold; erasure due in the case proceeds at the next run",
  usage: `Usage: frx-node hold release --dir DIR --case CASE --hold ID

${BOTH_WAYS}

  --dir DIR             the node's data folder
  --case CASE           the case id
  --hold ID             the hold's id (frx-node hold list)
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    ...DIR_FLAG,
    case: { kind: "string", required: true },
    hold: { kind: "string", required: true },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    await runOperation(
      flags.string("dir"),
      io,
      "hold.release",
      { case: flags.string("case"), hold: flags.string("hold") },
      flags.optional("operator-key"),
    );
    io.stdout(lines(`legal hold ${flags.string("hold")} released`));
    return 0;
  },
};

export const holdListCommand: Command = {
  path: ["hold", "list"],
  summary: "list the legal holds in force",
  usage: `Usage: frx-node hold list --dir DIR [--json]

${BOTH_WAYS}
`,
  flags: { ...DIR_FLAG, ...JSON_FLAG, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const holds = await runOperation<LegalHold[]>(
      flags.string("dir"),
      io,
      "hold.list",
      {},
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(terminalJson(holds)));
    else if (holds.length === 0) io.stdout(lines("no legal holds"));
    else
      io.stdout(
        lines(
          ...holds.map((h) => `${h.id}  case ${h.case}  since ${h.placedAt}  by ${h.placedBy}`),
        ),
      );
    return 0;
  },
};

export const eraseCommand: Command = {
  path: ["erase"],
  summary: "erase one person's content by personRef (FRX-DP-009)",
  usage: `Usage: frx-node erase --dir DIR --person PERSON-REF --reason TEXT [--json]

Erases the content of every stored message whose body names the personRef, in every case not
under a legal hold, and the person's consent on record; records what was erased and why.
${BOTH_WAYS}

  --dir DIR             the node's data folder
  --person REF          the personRef (pp_…)
  --reason TEXT         why (the request, the legal ground), 1 to 500 characters
  --operator-key FILE   the operator key for a running node
`,
  flags: {
    ...DIR_FLAG,
    person: { kind: "string", required: true },
    reason: { kind: "string", required: true },
    ...JSON_FLAG,
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const record = await runOperation<
      ErasureRecord & { notice: { notice: string; nodes: string[] } | null }
    >(
      flags.string("dir"),
      io,
      "erasure.person",
      { personRef: flags.string("person"), reason: flags.string("reason") },
      flags.optional("operator-key"),
    );
    if (flags.bool("json")) io.stdout(lines(terminalJson(record)));
    else
      io.stdout(
        lines(
          `erasure ${record.id}: content of ${record.messages.length} message(s) erased`,
          field("cases", record.cases.join(", ") || "none"),
          field("kept under a legal hold", record.heldCases.join(", ") || "none"),
          ...(record.notice
            ? [
                field("erasure notice for", record.notice.nodes.join(", ") || "no other node"),
                "the node sends them this notice itself (FRX-DP-013); to carry it by hand (frx-node erasure-notice apply there):",
                record.notice.notice,
              ]
            : []),
        ),
      );
    return 0;
  },
};

export const subjectAccessCommand: Command = {
  path: ["subject-access"],
  summary: "export what the node holds about one personRef, signed JSON and HTML (FRX-DP-012)",
  usage: `Usage: frx-node subject-access --dir DIR --person PERSON-REF --out PREFIX

Writes PREFIX.json (the export), PREFIX.jws (the node's signature over it) and PREFIX.html
(the same, readable). ${BOTH_WAYS}
`,
  flags: {
    ...DIR_FLAG,
    person: { kind: "string", required: true },
    out: { kind: "string", required: true },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const result = await runOperation<{ document: SubjectAccessExport; jws: string; html: string }>(
      flags.string("dir"),
      io,
      "subject-access",
      { personRef: flags.string("person") },
      flags.optional("operator-key"),
    );
    const out = flags.string("out");
    // Mode 0600: the export is the person's data in clear.
    const write = (ext: string, text: string) =>
      writeFile(`${out}.${ext}`, text, { mode: 0o600, flag: "wx" });
    await write("json", JSON.stringify(result.document, null, 2) + "\n");
    await write("jws", result.jws + "\n");
    await write("html", result.html);
    io.stdout(
      lines(
        `${result.document.messages.length} message(s) name ${result.document.personRef}`,
        field("written", `${out}.json, ${out}.jws, ${out}.html`),
      ),
    );
    return 0;
  },
};

export const PRIVACY_COMMANDS: readonly Command[] = [
  retentionRunCommand,
  holdPlaceCommand,
  holdReleaseCommand,
  holdListCommand,
  eraseCommand,
  ...ERASURE_NOTICE_COMMANDS,
  subjectAccessCommand,
  ...DATA_KEY_COMMANDS,
];
