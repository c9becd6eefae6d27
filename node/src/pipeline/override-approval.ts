import { checkOverrideApproval, FrxError, type AnyMessage, type KeyResolver } from "@frx/spec";
import type { AppContext } from "../context.js";

/**
 * The four-eyes rules (FRX-POL-032, FRX-POL-033) at this node: the approver and its keys come
 * from the sender's node's directory, which is this node's own for its agencies' envelopes and
 * the origin peer's for a peer's, never from the message. Throws `policy.override-invalid`
 * naming the failed check.
 */
export async function assertOverrideApproval(
  ctx: AppContext,
  message: AnyMessage,
  origin: string | null,
): Promise<void> {
  const consent = (message.body as { consent?: { override?: { approvedBy?: unknown } } }).consent;
  if (!consent?.override) return;
  const id = String(consent.override.approvedBy);
  const entry =
    origin === null
      ? await ctx.directory.get(id)
      : (await ctx.peers.get(origin))?.participants.find((p) => p.id === id);
  const resolveKey: KeyResolver =
    origin === null ? (kid) => ctx.directory.resolveKey(kid) : ctx.peers.resolverFor(origin);
  const violations = await checkOverrideApproval(
    message,
    entry ? { id: entry.id, status: entry.status, powers: entry.powers } : undefined,
    resolveKey,
  );
  if (violations.length > 0)
    throw new FrxError(
      violations[0]!.code,
      `refused by the four-eyes rule: ${violations[0]!.message}`,
      violations,
    );
}
