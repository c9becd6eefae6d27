import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { jsonLogger, nodePublicKeys, verifyAudit, type NodeConfig } from "@frx/node";
import { messageTypeValues, nodeMessageTypes } from "@frx/spec";
import { LocalFederation } from "../federation/local-federation.js";
import { scene } from "./context.js";
import { resetInboxes } from "./delivery.js";
import { ACK_SECONDS, escalate } from "./steps/deadline-escalation.js";
import { evidenceAbroad } from "./steps/evidence-abroad.js";
import { firewall, firewallByCapacity } from "./steps/firewall.js";
import { investigateJointly, shareEvidence } from "./steps/evidence-and-investigation.js";
import { notifyCase, refer, routeByMandate } from "./steps/notify-and-refer.js";
import { outage, plan, report } from "./steps/outage-planning-stats.js";
import { registry } from "./steps/registry.js";
import { returnHome } from "./steps/return-home.js";
import { sanction } from "./steps/sanctions.js";
import { wageClaim } from "./steps/wage-claim.js";
import { Timeline } from "./timeline.js";

export interface DemoResult {
  messages: number;
  lines: string[];
  /** The message types that took part: sent by agencies, or nodes' notices read in inboxes. */
  typesUsed: string[];
  /** Parts of the story this build cannot play, each printed as "skipped: … — why". */
  skipped: string[];
  federation: LocalFederation;
}

/**
 * The demo's node settings: a `risk_to_life` referral must be acknowledged within
 * ACK_SECONDS instead of an hour (operator guide, "SLA overrides"), so a missed deadline
 * escalates while you watch, and the deadline scheduler looks every 250 ms.
 */
export function demoConfig(config: NodeConfig): void {
  config.schedulerIntervalMs = 250;
  config.slaOverrides = {
    referral: { acknowledge: { risk_to_life: { hours: ACK_SECONDS / 3600 } } },
  };
}

/**
 * Lao and Cambodian workers found on a Thai fishing vessel, recruited through a Lao agency:
 * the case played through all nine actions across three national nodes, with firewall
 * refusals and a node outage on the way, evidence files checked across the border, a missed
 * deadline escalated, the case transferred home and the wage claim paid — every message type
 * of the spec at least once. Returns with the nodes still running; the caller closes the
 * federation (or keeps it for --keep).
 */
export async function runDemo(write?: (line: string) => void): Promise<DemoResult> {
  const tl = new Timeline(write);
  resetInboxes();
  let logFile = "";
  const fed = await LocalFederation.start(
    ["TH", "LA", "KH"],
    jsonLogger((line) => logFile && appendFileSync(logFile, line + "\n")),
    demoConfig,
  );
  logFile = join(fed.folder, "nodes.log");
  tl.note(`three national nodes on loopback, level stores in ${fed.folder}`);
  for (const cc of ["TH", "LA", "KH"]) tl.note(`  ${cc}  ${fed.url(cc)}`);
  tl.note("genesis trust list signed by TH, LA and KH, pinned and applied on each");
  const s = scene(fed, tl, `TH:DOE:${fed.client("TH:DOE").newId()}`);
  tl.note(
    `case ${s.caseId}: Lao and Cambodian deckhands found on the trawler Chok Anan 21 (Samut Sakhon)`,
  );

  await notifyCase(s);
  await refer(s);
  await routeByMandate(s);
  await firewall(s);
  await firewallByCapacity(s);
  await shareEvidence(s);
  await evidenceAbroad(s);
  await escalate(s);
  await investigateJointly(s);
  await sanction(s);
  await registry(s);
  await outage(s);
  await wageClaim(s);
  await returnHome(s);
  await plan(s);
  await report(s);

  tl.section("Checks", "every node's audit chain, and what the case looks like from Thailand");
  for (const [cc, r] of fed.running) {
    const audit = await verifyAudit(r.node.ctx.store, [nodePublicKeys(r.node.ctx.keys).signing]);
    if (!audit.ok)
      throw new Error(
        `${cc} audit chain broken at ${audit.firstBroken?.seq}: ${audit.firstBroken?.reason}`,
      );
    tl.note(
      `${cc}: audit chain of ${audit.entries} entries verified (${audit.checkpoints} signed checkpoints)`,
    );
  }
  const view = await fed.client("TH:DOE").cases.get(s.caseId);
  tl.note(
    `TH:DOE's view: ${view.referrals.length} referrals (${view.referrals.map((r) => r.state).join(", ")}), ${view.investigations.length} investigation (${view.investigations.map((i) => i.state).join(", ")}), ${view.timeline.length} timeline entries`,
  );
  tl.note(
    `${tl.count} messages sent through the SDK, each signed by its agency and acknowledged by a verified receipt`,
  );
  const used = messageTypeValues.filter((t) => tl.used.has(t));
  const fromNodes = used.filter((t) => (nodeMessageTypes as readonly string[]).includes(t));
  tl.note(
    `message types used: ${used.length} of the spec's ${messageTypeValues.length} (${used.length - fromNodes.length} sent by agencies, ${fromNodes.length} by nodes)`,
  );
  for (let i = 0; i < used.length; i += 6) tl.note(`  ${used.slice(i, i + 6).join(", ")}`);
  const unused = messageTypeValues.filter((t) => !tl.used.has(t));
  if (unused.length > 0) tl.note(`  not used: ${unused.join(", ")}`);
  if (tl.skips.length > 0) tl.note(`skipped on this build: ${tl.skips.join("; ")}`);
  return {
    messages: tl.count,
    lines: tl.lines,
    typesUsed: used,
    skipped: tl.skips,
    federation: fed,
  };
}
