import { restrictionsInForce } from "@frx/sdk";
import { MessageType } from "@frx/spec";
import { fixtureEnvelope, type Scene } from "../context.js";
import { registryLookup } from "../capabilities.js";

/**
 * Action 7 continued: the Thai regulator publishes the suspension of the Thai agency that
 * placed the deckhands (`registry.entry`, T0: a legal entity and a decision, nothing about
 * workers) to its Lao counterpart; then a regulator asks whether an employer is sanctioned
 * anywhere in the federation.
 */
export async function registry(s: Scene): Promise<void> {
  s.tl.section(
    "Action 7",
    "a public registry entry across the border; is this employer sanctioned anywhere?",
  );
  const entry = fixtureEnvelope(MessageType.RegistryEntry);
  const id = await s.send("TH:DOE-REG", MessageType.RegistryEntry, {
    ...entry,
    to: [{ participant: "LA:DOSM" }],
    body: { ...entry.body, entryId: s.as("TH:DOE-REG").newId() },
  });
  await s.arrives(id, ["LA:DOSM"], "TH:DOE-REG", MessageType.RegistryEntry);

  const capable = await registryLookup(s);
  if (!capable.ok) {
    s.tl.skipped(
      "LA:DOSM's federation-wide lookup of Chok Anan Fishery Co., Ltd. (0745561000123, TH)",
      capable.why,
    );
    return;
  }
  const query = { registrationNumber: "0745561000123", issuer: "TH" };
  s.tl.note(
    `LA:DOSM asks the federation: is ${query.registrationNumber} (registered in ${query.issuer}) sanctioned anywhere?`,
  );
  // Each member's answer is its own signed registry for the query, verified by the SDK
  // against that member's keys in the trust list (FRX-REG-008).
  const lookup = await s.as("LA:DOSM").registryLookup(query);
  for (const r of lookup.results) {
    if (r.status !== "answered") {
      s.tl.note(`  ${r.node}: ${r.status} (${r.code}) ${r.detail}`);
      continue;
    }
    const entries = r.registry.entries as Array<{
      entity: Record<string, { legalName: string }>;
      decision: { kind: string; authority?: string };
    }>;
    if (entries.length === 0) s.tl.note(`  ${r.node}: nothing listed`);
    for (const e of entries)
      s.tl.note(
        `  ${r.node}: ${Object.values(e.entity)[0]?.legalName} — ${e.decision.kind} by ${e.decision.authority ?? "?"}, signed by ${r.node}, verified ✓`,
      );
  }
  const inForce = restrictionsInForce(lookup, new Date().toISOString().slice(0, 10));
  s.tl.note(
    `answer: ${inForce.length > 0 ? `yes, ${inForce.map((x) => `${(x.entry.decision as { kind: string }).kind} (${x.node})`).join(", ")} in force` : "no hiring ban or licence sanction in force"}`,
  );
}
