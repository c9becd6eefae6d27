import type { PlantedItem } from "./inbox-items.js";
import type { ClientWorld } from "./world.js";

/**
 * The case work a scenario asks of the client after its inbox (docs/certification.md, "The
 * driver's contract"): what the agency's users would ask of their system. The client decides
 * how, as it would in production; the checks judge what reaches the stand-in node.
 */
export type ClientTask =
  /**
   * Open a new case (FRX-ENV-005) about one worker known by name; refer the worker to each of
   * `referTo` with its own `referral.create` (a pseudonym per recipient, FRX-ENV-006, each
   * envelope to that one participant, FRX-ENV-008); send the file as evidence to
   * `evidence.to` with `evidence.provide` (FRX-MSG-004); propose the investigation (FRX-INV-008).
   * Every message in that one case.
   */
  | {
      task: "open-case";
      person: { fullName: string };
      referTo: string[];
      evidence: { to: string; file: string; mediaType: string; kind: string; description: string };
      investigation: { mode: "joint"; with: string[]; hostCountry: string };
    }
  /**
   * Refer the worker of a referral the client received to `to`, in that referral's case, with
   * a new `referral.create` (the received pseudonym is the referrer's, FRX-ENV-007).
   */
  | { task: "refer-onward"; referral: string; to: string }
  /**
   * Send `to` a `stats.report` of these counts for the period: each count a cell (a count under
   * k = 11 suppressed, FRX-POL-026).
   */
  | {
      task: "report-stats";
      to: string;
      period: { from: string; to: string };
      counts: Array<{ dimensions: Record<string, unknown>; metric: string; count: number }>;
    }
  /**
   * Ask the federation whether a legal entity is in any member's sanctions registry, and
   * report each member's result: `answered` only for the answers the client relies on.
   */
  | { task: "registry-lookup"; registrationNumber: string; issuer: string };

/** The task file's document. */
export interface TaskFile {
  tasks: ClientTask[];
}

/** The legal entity the registry-lookup task asks about. */
export const LOOKUP_NUMBER = "CONF-LOOKUP-0001";

/** The worker the open-case task names (a name no planted item uses). */
export const TASK_PERSON = "Conformance Task Worker";

/** The counts of the report-stats task: two at or over k, two under it. */
const FISHING = { scheme: "ISIC4", code: "0311" };
const TEXTILES = { scheme: "ISIC4", code: "1311" };
export const TASK_COUNTS = [
  { dimensions: { sector: FISHING }, metric: "cases_notified", count: 40 },
  { dimensions: { sector: TEXTILES }, metric: "cases_notified", count: 7 },
  { dimensions: { sector: FISHING }, metric: "referrals_sent", count: 11 },
  { dimensions: { sector: TEXTILES }, metric: "referrals_sent", count: 10 },
];

/**
 * The tasks of the case-work scenario: open a case and work it with the local agencies and
 * the foreign node, refer the worker of the planted referral onward to victim services, and
 * report statistics to the labour inspectorate. `evidenceFile` is the file the suite wrote.
 *
 * @example caseWorkTasks(world, items, "/tmp/…/payslip.pdf").map((t) => t.task)
 */
export function caseWorkTasks(
  world: ClientWorld,
  items: readonly PlantedItem[],
  evidenceFile: string,
): ClientTask[] {
  const planted = items[0];
  if (!planted) throw new TypeError("the case-work scenario needs its planted referral");
  const year = new Date().getUTCFullYear() - 1;
  return [
    {
      task: "open-case",
      person: { fullName: TASK_PERSON },
      referTo: [world.li.id, world.vs.id],
      evidence: {
        to: world.li.id,
        file: evidenceFile,
        mediaType: "application/pdf",
        kind: "payslip_wage_record",
        description: "Payslips of the worker, March to May.",
      },
      investigation: {
        mode: "joint",
        with: [world.foreign.agency],
        hostCountry: world.foreign.node,
      },
    },
    { task: "refer-onward", referral: planted.record.referral, to: world.vs.id },
    {
      task: "report-stats",
      to: world.li.id,
      period: { from: `${year}-01-01`, to: `${year}-12-31` },
      counts: TASK_COUNTS,
    },
    { task: "registry-lookup", registrationNumber: LOOKUP_NUMBER, issuer: world.node },
  ];
}

/** The bytes of the evidence file the open-case task sends (a small PDF-like payslip). */
export function evidenceBytes(): Uint8Array {
  return new TextEncoder().encode(
    "%PDF-1.4\n% FRX conformance: a payslip of the task worker, March to May.\n%%EOF\n",
  );
}
