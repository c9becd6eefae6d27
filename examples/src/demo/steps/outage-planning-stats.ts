import { MessageType } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";

/** A peer outage mid-scenario: Cambodia's node goes down; what Thailand sends waits; nothing is lost. */
export async function outage(s: Scene): Promise<void> {
  s.tl.section(
    "Outage",
    "Cambodia's node goes down mid-case and comes back: nothing lost, nothing doubled",
  );
  await s.fed.stop("KH");
  s.tl.note("KH node stopped");
  const update = fixtureEnvelope(MessageType.CaseUpdate);
  // A notice worth sending only today (valid 2 s in the demo): it cannot wait for KH.
  const brief = await s.send("TH:DOE", MessageType.CaseUpdate, {
    ...update,
    case: s.caseId,
    to: [{ participant: "KH:MOLVT" }],
    expiresInDays: 2 / 86_400,
    body: { ...update.body, note: "Joint boarding of the sister vessel at Samut Sakhon today." },
  });
  const failed = await s.notice(
    "TH:DOE",
    MessageType.DeliveryFailed,
    (m) => (m.message.body as { messageId?: string }).messageId === brief,
    20_000,
  );
  if (!failed) throw new Error("TH:DOE was not told that its expired case.update failed");
  const id = await s.send("TH:DOE", MessageType.CaseUpdate, {
    ...update,
    case: s.caseId,
    to: [{ participant: "KH:MOLVT" }],
  });
  const th = s.fed.running.get("TH")!.node;
  for (let i = 0; i < 100 && (th.ctx.outbox.status().KH?.attempts ?? 0) < 2; i++)
    await new Promise((r) => setTimeout(r, 100));
  s.tl.note(
    `TH's outbox holds it for KH: ${th.ctx.outbox.status().KH?.attempts ?? 0} attempts so far, backing off`,
  );
  await s.fed.restart("KH");
  s.tl.note("KH node restarted on the same disk; it asks its peers to flush (wake)");
  await s.arrives(id, ["KH:MOLVT"], "TH:DOE", MessageType.CaseUpdate);
  const timeline = (await s.as("TH:DOE").cases.get(s.caseId)).timeline
    .filter((e) => e.messageId === id)
    .map((e) => e.note ?? e.type);
  s.tl.note(`TH's case timeline for it: ${timeline.join(" → ")}`);
}

/** Action 6: the national coordinators share priority sectors and targets. */
export async function plan(s: Scene): Promise<void> {
  s.tl.section(
    "Action 6",
    "strategic planning: priority sectors (ISIC 0311 fishing, 1020, 9700) and targets",
  );
  const to = ["LA:NCC", "KH:NCCT"];
  const id = await s.send("TH:NCC", MessageType.PlanningShare, {
    ...fixtureEnvelope(MessageType.PlanningShare),
    to: to.map((participant) => ({ participant })),
  });
  await s.arrives(id, to, "TH:NCC", MessageType.PlanningShare);
}

/** Action 8: aggregate statistics only, every cell under k = 11 suppressed. */
export async function report(s: Scene): Promise<void> {
  s.tl.section("Action 8", "statistics for the analysis of inter-agency platforms (k = 11)");
  const to = ["LA:NCC", "KH:NCCT"];
  const env = fixtureEnvelope(MessageType.StatsReport);
  const cells = env.body.cells as Array<{ suppressed: boolean }>;
  // A worker asks not to be counted in published statistics: his consent to reporting ends.
  const withdraw = await s.send("TH:DOE", MessageType.ConsentWithdraw, {
    ...fixtureEnvelope(MessageType.ConsentWithdraw),
    case: s.caseId,
    to: [{ participant: "TH:DSDW" }],
  });
  await s.arrives(withdraw, ["TH:DSDW"], "TH:DOE", MessageType.ConsentWithdraw);
  const id = await s.send("TH:NCC", MessageType.StatsReport, {
    ...env,
    to: to.map((participant) => ({ participant })),
  });
  s.tl.note(
    `${cells.length} cells, ${cells.filter((c) => c.suppressed).length} suppressed under k = 11`,
  );
  await s.arrives(id, to, "TH:NCC", MessageType.StatsReport);
}
