import { decodeProtectedHeader, errors, jwtVerify } from "jose";
import { FrxError, isCanonicalBase64url, parseInstant } from "@frx/spec";
import type { AppContext } from "../../context.js";

export const AGENCY_TOKEN_TYP = "frx-agency+jwt";

/**
 * Authenticates an agency API call: a JWT with typ frx-agency+jwt, alg Ed25519, signed by a
 * key registered for its `iss` participant, `aud` exactly this node's id (a string, not an
 * array), `iat` not beyond the skew ahead of now, a lifetime `exp - iat` above zero and at most
 * the node's limit (5 min), and a `jti` never seen before. Returns the participant id.
 */
export async function authenticateAgency(
  ctx: AppContext,
  authorization: string | undefined,
): Promise<string> {
  if (!authorization)
    throw new FrxError("auth.token-missing", "send Authorization: Bearer <agency token>");
  const m = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization);
  if (!m)
    throw new FrxError("auth.token-invalid", "the Authorization header is not a bearer token");
  const token = m[1]!;
  // One spelling per token (FRX-SIG-027): no part with spare bits set or a stray length.
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => p.length > 0 && isCanonicalBase64url(p)))
    throw new FrxError("auth.token-invalid", "the token is not three canonical base64url parts");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new FrxError("auth.token-invalid", "the token is not a JWT");
  }
  if (header.typ !== AGENCY_TOKEN_TYP)
    throw new FrxError("auth.token-invalid", `token typ must be ${AGENCY_TOKEN_TYP}`);
  if (header.alg !== "Ed25519")
    throw new FrxError("auth.token-invalid", "token alg must be Ed25519");
  const resolved =
    typeof header.kid === "string" ? await ctx.directory.resolveKey(header.kid) : undefined;
  if (!resolved)
    throw new FrxError("auth.token-invalid", "the token's kid names no registered key");
  const participant = await ctx.directory.get(resolved.owner);
  if (!participant)
    throw new FrxError("auth.participant-unknown", `${resolved.owner} is not registered here`);
  if (participant.status !== "active")
    throw new FrxError("auth.participant-disabled", `${participant.id} is disabled`);

  let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
  try {
    ({ payload } = await jwtVerify(token, resolved.key, {
      algorithms: ["Ed25519"],
      typ: AGENCY_TOKEN_TYP,
      issuer: participant.id,
      audience: ctx.config.node,
      currentDate: ctx.clock.now(),
      clockTolerance: ctx.config.skewSeconds,
      requiredClaims: ["exp", "iat", "jti", "iss", "aud"],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw new FrxError("auth.token-expired", "the token has expired");
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
      throw new FrxError("auth.token-audience", `the token's aud must be ${ctx.config.node}`);
    }
    throw new FrxError(
      "auth.token-invalid",
      `the token does not verify: ${(error as Error).message}`,
    );
  }
  // jose accepts an aud array that contains the node, and judges neither iat nor the lifetime.
  if (typeof payload.aud !== "string" || payload.aud !== ctx.config.node)
    throw new FrxError("auth.token-audience", `the token's aud must be exactly ${ctx.config.node}`);
  const iat = payload.iat!;
  const exp = payload.exp!;
  const nowSeconds = ctx.clock.now().getTime() / 1000;
  if (iat > nowSeconds + ctx.config.skewSeconds)
    throw new FrxError("auth.token-invalid", "the token's iat is in the future, beyond the skew");
  if (exp <= iat) throw new FrxError("auth.token-expired", "the token's exp is not after its iat");
  if (exp - iat > ctx.config.tokenMaxSeconds) {
    throw new FrxError(
      "auth.token-expired",
      `a token may live at most ${ctx.config.tokenMaxSeconds} s`,
    );
  }
  if (resolved.retiredAt && iat * 1000 > parseInstant(resolved.retiredAt)) {
    throw new FrxError("auth.token-invalid", "the token is signed with a retired key");
  }
  await ctx.replay.use(participant.id, String(payload.jti), exp * 1000);
  return participant.id;
}
