import { canonicalize } from "../codec/canonical-json.js";
import { isFrxError, type Violation } from "../errors.js";
import type { KeyResolver } from "../jws/envelope.js";
import { assertSignature, parseCompact, signCompact } from "../jws/compact.js";
import type { Signer } from "../jws/keys.js";
import { instantMs } from "../time/instant.js";

export const OVERRIDE_TYP = "frx-override+jws";
const APPROVED_BY = "/body/consent/override/approvedBy";
const APPROVAL = "/body/consent/override/approval";

/** The parts of an envelope the four-eyes rules read. */
export interface OverrideInput {
  id: string;
  from: string;
  body: unknown;
}

/** The approver as the sender's node's directory lists it; undefined when it lists no such participant. */
export interface OverrideApprover {
  id: string;
  status: string;
  powers: readonly string[];
}

type Override = Record<string, unknown> & { approvedBy?: unknown; approvedAt?: unknown };

function overrideOf(message: OverrideInput): Override | undefined {
  const consent = (message.body as { consent?: { override?: Override } } | null)?.consent;
  return consent?.override;
}

/** What the approver signs: the override (without its approval) bound to one envelope. */
export function overrideApprovalPayload(message: OverrideInput): Record<string, unknown> {
  const { approval: _approval, ...override } = overrideOf(message) ?? {};
  return { frx: "1", messageId: message.id, sender: message.from, override };
}

/**
 * The approver's signature over the override an envelope carries (FRX-POL-033): the sender
 * drafts the envelope, its approver signs this, and the sender puts it in
 * `body.consent.override.approval` before signing the envelope.
 *
 * @example envelope.body.consent.override.approval = signOverrideApproval(envelope, ncc)
 */
export function signOverrideApproval(message: OverrideInput, approver: Signer): string {
  const payload = new TextEncoder().encode(canonicalize(overrideApprovalPayload(message)));
  return signCompact(payload, OVERRIDE_TYP, approver);
}

/**
 * The four-eyes rules (FRX-POL-032, FRX-POL-033) as a function of the envelope, the approver's
 * directory entry at the sender's node, and that node's key resolver. Empty when the envelope
 * carries no override, or when its approval holds.
 *
 * @example const violations = await checkOverrideApproval(message, approver, resolveKey)
 */
export async function checkOverrideApproval(
  message: OverrideInput,
  approver: OverrideApprover | undefined,
  resolveKey: KeyResolver,
): Promise<Violation[]> {
  const override = overrideOf(message);
  if (!override) return [];
  const approvedBy = String(override.approvedBy);
  const node = message.from.slice(0, message.from.indexOf(":"));
  const refuse = (pointer: string, why: string): Violation[] => [
    { pointer, code: "policy.override-invalid", message: why },
  ];
  if (approvedBy === message.from)
    return refuse(
      APPROVED_BY,
      "an override must be approved by another participant than the sender",
    );
  if (!approver || approver.id !== approvedBy || !approvedBy.startsWith(`${node}:`))
    return refuse(APPROVED_BY, `${approvedBy} is not a participant of ${node}'s directory`);
  if (approver.status !== "active") return refuse(APPROVED_BY, `${approvedBy} is not active`);
  if (!approver.powers.includes("consent_override"))
    return refuse(APPROVED_BY, `${approvedBy} does not hold the consent_override power`);
  if (typeof override.approval !== "string")
    return refuse(APPROVAL, `the override carries no approval signed by ${approvedBy}`);
  try {
    const parsed = parseCompact(override.approval, OVERRIDE_TYP);
    const key = await resolveKey(parsed.header.kid);
    if (!key || key.owner !== approvedBy)
      return refuse(APPROVAL, `the approval is not signed with a key of ${approvedBy}`);
    const approvedAt = instantMs(override.approvedAt);
    const retiredAt = key.retiredAt === undefined ? undefined : instantMs(key.retiredAt);
    if (
      key.retiredAt !== undefined &&
      (approvedAt === undefined || retiredAt === undefined || approvedAt > retiredAt)
    )
      return refuse(
        APPROVAL,
        `the approval's key was retired before ${String(override.approvedAt)}`,
      );
    assertSignature(parsed, key.key);
    const expected = canonicalize(overrideApprovalPayload(message));
    if (Buffer.from(parsed.payload).toString("utf8") !== expected)
      return refuse(APPROVAL, "the approval is for another override or another envelope");
    return [];
  } catch (error) {
    if (!isFrxError(error)) throw error;
    return refuse(APPROVAL, `the approval does not verify: ${error.code}`);
  }
}
