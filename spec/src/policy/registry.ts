import type { Violation } from "../errors.js";
import { MessageType } from "../generated/codes.js";
import { policyRules } from "../generated/data.js";

const sanctionPowers = (policyRules as unknown as { sanctionPowers: Record<string, string[]> })
  .sanctionPowers;

/** The directory powers any one of which lets an agency impose or publish a sanction `kind` (rules.json `sanctionPowers`). */
export function powersForSanction(kind: string): readonly string[] {
  return sanctionPowers[kind] ?? [];
}

/** The parts of an envelope the registry rules read. */
export interface RegistryInput {
  type: string;
  from: string;
  body: unknown;
}

/** What the registry rules need from the judging node: the sender's powers, and who issued the entries on record that this one names. */
export interface RegistryContext {
  /** The sender's powers, from the judging node's directory (or the peer's), never the message. */
  senderPowers: readonly string[];
  /** Issuer (sending participant) of each registry entry on record, by entry id; only the ids this envelope names are needed. */
  issuers: Readonly<Record<string, string>>;
}

/** Where an entry's parts sit in the envelope: a registry.entry carries them in `decision`, a sanction.notify at the top of its body. */
interface Located {
  entryId: string;
  entryPointer: string;
  authority: unknown;
  authorityPointer: string;
  kind: string;
  kindPointer: string;
  supersedes?: string;
}

function locate(message: RegistryInput): Located | null {
  const body = message.body as Record<string, unknown>;
  if (message.type === MessageType.RegistryEntry) {
    const decision = body.decision as Record<string, unknown>;
    return {
      entryId: String(body.entryId),
      entryPointer: "/body/entryId",
      authority: decision.authority,
      authorityPointer: "/body/decision/authority",
      kind: String(decision.kind),
      kindPointer: "/body/decision/kind",
      ...(typeof body.supersedes === "string" ? { supersedes: body.supersedes } : {}),
    };
  }
  if (message.type === MessageType.SanctionNotify && body.publicListing === true) {
    return {
      entryId: String(body.sanctionId),
      entryPointer: "/body/sanctionId",
      authority: body.imposingAuthority,
      authorityPointer: "/body/imposingAuthority",
      kind: String(body.kind),
      kindPointer: "/body/kind",
    };
  }
  return null;
}

/** Whether the envelope asks for a public registry entry: a registry.entry, or a sanction.notify with publicListing. */
export function publishesRegistryEntry(message: RegistryInput): boolean {
  return locate(message) !== null;
}

/**
 * The registry rules (FRX-POL-029 to FRX-POL-031) as a pure function: an entry is published
 * only in its sender's own name, for a sanction kind the sender's powers allow, and changes
 * only an entry the sender issued. Empty for envelopes that publish nothing.
 *
 * @example const violations = checkRegistry(message, { senderPowers: ["licence_revocation"], issuers: {} })
 */
export function checkRegistry(message: RegistryInput, context: RegistryContext): Violation[] {
  const at = locate(message);
  if (!at) return [];
  const out: Violation[] = [];
  if (at.authority !== undefined && at.authority !== message.from)
    out.push({
      pointer: at.authorityPointer,
      code: "registry.issuer-mismatch",
      message: `the entry names ${String(at.authority)} as deciding authority; its sender is ${message.from}`,
    });
  const allowed = sanctionPowers[at.kind] ?? [];
  if (!allowed.some((p) => context.senderPowers.includes(p)))
    out.push({
      pointer: at.kindPointer,
      code: "registry.power-missing",
      message: `${message.from} holds none of the powers that allow ${at.kind} (${allowed.join(", ")})`,
    });
  const named: Array<[string, string]> = [[at.entryId, at.entryPointer]];
  if (at.supersedes !== undefined) named.push([at.supersedes, "/body/supersedes"]);
  for (const [id, pointer] of named) {
    const issuer = context.issuers[id];
    if (issuer !== undefined && issuer !== message.from)
      out.push({
        pointer,
        code: "registry.not-issuer",
        message: `registry entry ${id} was issued by ${issuer}, not ${message.from}`,
      });
  }
  return out;
}

/** The entry ids an envelope names (its own and any it supersedes), whose issuers the context must hold. */
export function registryIdsNamed(message: RegistryInput): string[] {
  const at = locate(message);
  if (!at) return [];
  return at.supersedes !== undefined ? [at.entryId, at.supersedes] : [at.entryId];
}
