import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { jsonLogger, nodePublicKeys, verifyAudit } from "@frx/node";
import { LocalFederation } from "../federation/local-federation.js";
import { scene } from "./context.js";
import { firewall, firewallByCapacity } from "./steps/firewall.js";
import { investigateJointly, shareEvidence } from "./steps/evidence-and-investigation.js";
import { notifyCase, refer, routeByMandate } from "./steps/notify-and-refer.js";
import { outage, plan, report } from "./steps/outage-planning-stats.js";
import { remedy, sanction } from "./steps/sanctions-and-remedies.js";
import { Timeline } from "./timeline.js";

export interface DemoResult {
  messages: number;
  lines: string[];
  federation: LocalFederation;
}

/**
 * Lao and Cambodian workers found on a Thai fishing vessel, recruited through a Lao agency:
 * the case played through all nine actions across three national nodes, with a firewall
 * refusal and a node outage on the way. Returns with the nodes still running; the caller
 * closes the federation (or keeps it for --keep).
 */
export async function runDemo(write?: (line: string) => void): Promise<DemoResult> {
  const tl = new Timeline(write);
  let logFile = "";
  const fed = await LocalFederation.start(
    ["TH", "LA", "KH"],
    jsonLogger((line) => logFile && appendFileSync(logFile, line + "\n")),
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
  await investigateJointly(s);
  await sanction(s);
  await outage(s);
  await remedy(s);
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
  return { messages: tl.count, lines: tl.lines, federation: fed };
}
