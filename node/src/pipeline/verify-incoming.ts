import { FrxError, isFrxError, type VerifiedEnvelope } from "@frx/spec";
import type { AppContext } from "../context.js";

/**
 * Size, form, signature, schema and time of an envelope (on the verification threads), then
 * its sender: registered and active here (`origin` null, an agency of this node), or an agency
 * of the peer `origin` that its directory does not list as disabled. A refusal is recorded in
 * the audit log without a synced write of its own.
 */
export async function verifyIncoming(
  ctx: AppContext,
  jws: string,
  origin: string | null,
): Promise<VerifiedEnvelope> {
  const options = {
    now: ctx.clock.now(),
    skewSeconds: ctx.config.skewSeconds,
    maxBytes: ctx.config.limits.envelopeBytes,
  };
  try {
    if (origin === null) {
      const resolve = (kid: string) => ctx.directory.resolveKey(kid);
      const verified = await ctx.verifier.verify(jws, { ...options, peekKey: resolve });
      const sender = await ctx.directory.get(verified.message.from);
      if (!sender)
        throw new FrxError(
          "auth.participant-unknown",
          `${verified.message.from} is not registered at node ${ctx.config.node}`,
        );
      if (sender.status !== "active")
        throw new FrxError(
          "auth.participant-disabled",
          `${verified.message.from} is disabled at node ${ctx.config.node}`,
        );
      return verified;
    }
    // The peek never fetches; a kid it does not know is looked up again, fetching the
    // directory when due (FRX-FED-008), only once the envelope got that far.
    const keys = {
      peekKey: ctx.peers.peekResolverFor(origin),
      resolveKey: ctx.peers.resolverFor(origin),
    };
    let verified: VerifiedEnvelope;
    try {
      verified = await ctx.verifier.verify(jws, { ...options, ...keys });
    } catch (error) {
      // A known key that fails may have been rotated at the peer: refresh once and retry.
      if (!isFrxError(error, "jws.signature-invalid") && !isFrxError(error, "jws.key-retired"))
        throw error;
      await ctx.peers.refresh(origin);
      verified = await ctx.verifier.verify(jws, { ...options, ...keys });
    }
    if (!verified.message.from.startsWith(`${origin}:`))
      throw new FrxError(
        "envelope.signer-mismatch",
        `${verified.message.from} is not an agency of ${origin}`,
      );
    if ((await ctx.peers.participantStatus(origin, verified.message.from)) === "disabled") {
      throw new FrxError(
        "auth.participant-disabled",
        `${verified.message.from} is disabled in ${origin}'s directory`,
      );
    }
    return verified;
  } catch (error) {
    if (isFrxError(error)) {
      ctx.metrics.inc("frx_envelopes_refused_total", { code: error.code });
      const at = ctx.clock.now().toISOString();
      // Recorded, but not synced on its own: nothing acknowledged depends on a refusal, and
      // an unauthenticated sender must not be able to make the node fsync per request.
      await ctx.serial.run(() =>
        ctx.store.defer(
          ctx.audit.append(at, { kind: "refused", actor: origin ?? "unknown", code: error.code }),
        ),
      );
    }
    throw error;
  }
}
