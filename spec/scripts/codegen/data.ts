import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Requirement {
  id: string;
  level: "MUST" | "MUST NOT" | "SHOULD" | "SHOULD NOT" | "MAY";
  text: string;
  /** The spec file it is defined in, e.g. "signing.md". */
  file: string;
}

const REQUIREMENT = /^- \*\*(FRX-[A-Z]+-\d{3})\*\* (.+)$/;
const LEVEL = /\b(MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)\b/;

/** Every numbered requirement in spec/*.md; ids must be unique and carry one level keyword. */
export function readRequirements(specDir: string): Requirement[] {
  const out: Requirement[] = [];
  const seen = new Set<string>();
  for (const file of readdirSync(specDir)
    .filter((f) => f.endsWith(".md"))
    .sort()) {
    for (const line of readFileSync(join(specDir, file), "utf8").split("\n")) {
      const m = REQUIREMENT.exec(line.trim());
      if (!m) continue;
      const [, id, text] = m as unknown as [string, string, string];
      if (seen.has(id)) throw new Error(`${file}: requirement ${id} is defined twice`);
      seen.add(id);
      const level = LEVEL.exec(text)?.[1] as Requirement["level"] | undefined;
      if (!level) throw new Error(`${file}: ${id} has no MUST/SHOULD/MAY`);
      out.push({ id, level, text, file });
    }
  }
  return out;
}

/** Machine definitions and policy rules, checked against the code lists, bundled for runtime. */
export function readData(
  specDir: string,
  messageTypes: string[],
  codes: Map<string, string[]>,
): Record<string, unknown> {
  const machines: Record<string, unknown> = {};
  for (const file of readdirSync(join(specDir, "machines"))
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const def = JSON.parse(readFileSync(join(specDir, "machines", file), "utf8")) as {
      machine: string;
      states: Record<string, unknown>;
      transitions: Array<{ type: string; from: string[]; to: string }>;
      deadlines: Array<{ startsOn: string; metBy: string[]; restartsOn?: string[] }>;
    };
    const states = Object.keys(def.states);
    for (const t of def.transitions) {
      if (!messageTypes.includes(t.type))
        throw new Error(`machines/${file}: unknown message type ${t.type}`);
      for (const s of [...t.from, t.to])
        if (!states.includes(s)) throw new Error(`machines/${file}: unknown state ${s}`);
    }
    for (const d of def.deadlines) {
      for (const t of [d.startsOn, ...d.metBy, ...(d.restartsOn ?? [])]) {
        if (!messageTypes.includes(t))
          throw new Error(`machines/${file}: deadline names unknown type ${t}`);
      }
    }
    const listed = codes.get(`${def.machine[0]!.toUpperCase()}${def.machine.slice(1)}State`);
    if (listed && states.some((s) => !listed.includes(s))) {
      throw new Error(`machines/${file}: states differ from codes/${def.machine}-state.json`);
    }
    machines[def.machine] = def;
  }
  const rules = JSON.parse(readFileSync(join(specDir, "policy", "rules.json"), "utf8")) as {
    tags: Record<string, unknown>;
    messages: Record<string, unknown>;
    purposes: Record<string, string[]>;
    sanctionPowers: Record<string, string[]>;
    viewProfiles: Record<string, { members: string[]; recipientRoles?: string[] }>;
    evidence: { items: Record<string, string>; personLevelKinds: string[] };
  };
  const kinds = codes.get("EvidenceKind") ?? [];
  for (const k of rules.evidence.personLevelKinds)
    if (!kinds.includes(k)) throw new Error(`policy: unknown evidence kind ${k}`);
  for (const type of Object.keys(rules.evidence.items))
    if (!messageTypes.includes(type)) throw new Error(`policy: unknown evidence type ${type}`);
  const sensitivity = codes.get("Sensitivity") ?? [];
  for (const tag of Object.keys(rules.tags))
    if (!sensitivity.includes(tag)) throw new Error(`policy: unknown tag ${tag}`);
  for (const tag of sensitivity)
    if (!(tag in rules.tags)) throw new Error(`policy: no rule for tag ${tag}`);
  for (const type of Object.keys(rules.messages))
    if (!messageTypes.includes(type)) throw new Error(`policy: unknown type ${type}`);
  const purposes = codes.get("Purpose") ?? [];
  for (const p of purposes)
    if (!(p in rules.purposes)) throw new Error(`policy: no recipient roles for purpose ${p}`);
  const roles = codes.get("Role") ?? [];
  for (const list of Object.values(rules.purposes)) {
    for (const r of list)
      if (roles.length > 0 && !roles.includes(r)) throw new Error(`policy: unknown role ${r}`);
  }
  const sanctionKinds = codes.get("SanctionKind") ?? [];
  const powers = codes.get("Power") ?? [];
  for (const kind of sanctionKinds)
    if (!(kind in rules.sanctionPowers)) throw new Error(`policy: no powers for sanction ${kind}`);
  for (const [kind, list] of Object.entries(rules.sanctionPowers)) {
    if (!sanctionKinds.includes(kind)) throw new Error(`policy: unknown sanction kind ${kind}`);
    for (const p of list) if (!powers.includes(p)) throw new Error(`policy: unknown power ${p}`);
  }
  const profiles = codes.get("ViewProfile") ?? [];
  for (const p of profiles)
    if (!(p in rules.viewProfiles)) throw new Error(`policy: no members for view profile ${p}`);
  for (const [p, def] of Object.entries(rules.viewProfiles)) {
    if (!profiles.includes(p)) throw new Error(`policy: unknown view profile ${p}`);
    for (const r of def.recipientRoles ?? [])
      if (!roles.includes(r)) throw new Error(`policy: unknown role ${r} in view profile ${p}`);
  }
  const retention = JSON.parse(readFileSync(join(specDir, "policy", "retention.json"), "utf8")) as {
    tiers: Record<string, number>;
    types: Record<string, Record<string, number>>;
  };
  const tiers = codes.get("Tier") ?? [];
  const days = (where: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`retention: ${where} is not a number of days`);
  };
  for (const [tier, v] of Object.entries(retention.tiers)) {
    if (!tiers.includes(tier)) throw new Error(`retention: unknown tier ${tier}`);
    days(tier, v);
  }
  for (const [type, byTier] of Object.entries(retention.types)) {
    if (!messageTypes.includes(type)) throw new Error(`retention: unknown type ${type}`);
    for (const [tier, v] of Object.entries(byTier)) {
      if (!tiers.includes(tier)) throw new Error(`retention: unknown tier ${tier} for ${type}`);
      days(`${type} ${tier}`, v);
    }
  }
  return {
    machineDefinitions: machines,
    policyRules: rules,
    retentionDefaults: { tiers: retention.tiers, types: retention.types },
  };
}
