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
  const client = s.as("LA:DOSM") as unknown as { registryLookup?: Lookup };
  if (!client.registryLookup)
    throw new Error(`${capable.why}, but this SDK has no registryLookup to ask it with`);
  const answer = await client.registryLookup(query);
  s.tl.note(
    `LA:DOSM asks the federation: is ${query.registrationNumber} (registered in ${query.issuer}) sanctioned anywhere?`,
  );
  for (const r of answer.results) {
    if (r.status !== "answered") {
      s.tl.note(`  ${r.node}: ${r.status} (${r.code ?? ""})`);
      continue;
    }
    if ((r.registry?.entries ?? []).length === 0) s.tl.note(`  ${r.node}: nothing listed`);
    for (const e of r.registry?.entries ?? [])
      s.tl.note(
        `  ${r.node}: ${Object.values(e.entity)[0]?.legalName} — ${e.decision.kind} by ${e.decision.authority ?? "?"}, signed by ${r.node}, verified ✓`,
      );
  }
}

/** The SDK's federation-wide lookup (its answers verified against the trust list by the SDK). */
type Lookup = (query: { registrationNumber: string; issuer: string }) => Promise<{
  results: Array<{
    node: string;
    status: string;
    code?: string;
    registry?: {
      entries: Array<{
        entity: Record<string, { legalName: string }>;
        decision: { kind: string; authority?: string };
      }>;
    };
  }>;
}>;
