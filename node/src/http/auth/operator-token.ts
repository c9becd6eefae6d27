import { createPrivateKey, randomUUID, type JsonWebKey } from "node:crypto";
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";
import { FrxError, importPublicKey, isCanonicalBase64url, type PrivateJwk } from "@frx/spec";
import type { AppContext } from "../../context.js";
import { operatorByKid, type OperatorRecord } from "../../admin/operators.js";

export const OPERATOR_TOKEN_TYP = "frx-operator+jwt";
/** The longest lifetime of an operator token (FRX-ADM-003). */
export const OPERATOR_TOKEN_MAX_SECONDS = 300;

/** The audience of a node's operator tokens: distinct from agency tokens' (FRX-ADM-003). */
export const adminAudience = (node: string): string => `${node}:admin`;

/**
 * Makes a short-lived operator token for the admin API.
 *
 * @example const token = await signOperatorToken(privateJwk, "ops", "TH", new Date())
 */
export async function signOperatorToken(
  privateJwk: PrivateJwk,
  name: string,
  node: string,
  now: Date,
  lifetimeSeconds = 120,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: "Ed25519", typ: OPERATOR_TOKEN_TYP, kid: privateJwk.kid! })
    .setIssuer(name)
    .setAudience(adminAudience(node))
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetimeSeconds)
    .sign(createPrivateKey({ key: privateJwk as unknown as JsonWebKey, format: "jwk" }));
}

/**
 * Authenticates an admin call (FRX-ADM-003): an Ed25519 JWT with typ frx-operator+jwt, signed
 * by a registered operator key, `iss` that operator, `aud` exactly `<node>:admin`, a lifetime
 * of at most 300 s, not expired, and a jti never seen before. Agency keys never pass: they are
 * not in the operator index (FRX-ADM-004).
 */
export async function authenticateOperator(
  ctx: AppContext,
  authorization: string | undefined,
): Promise<OperatorRecord> {
  if (!authorization)
    throw new FrxError("auth.token-missing", "send Authorization: Bearer <operator token>");
  const token = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization)?.[1];
  const parts = token?.split(".") ?? [];
  if (!token || parts.length !== 3 || !parts.every((p) => p.length > 0 && isCanonicalBase64url(p)))
    throw new FrxError("auth.token-invalid", "the Authorization header is not a bearer JWT");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new FrxError("auth.token-invalid", "the token is not a JWT");
  }
  if (header.typ !== OPERATOR_TOKEN_TYP || header.alg !== "Ed25519")
    throw new FrxError("auth.token-invalid", `an operator token is ${OPERATOR_TOKEN_TYP}, Ed25519`);
  const operator =
    typeof header.kid === "string" ? await operatorByKid(ctx, header.kid) : undefined;
  if (!operator) throw new FrxError("auth.token-invalid", "the token's kid is no operator key");
  const audience = adminAudience(ctx.config.node);
  let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
  try {
    ({ payload } = await jwtVerify(token, importPublicKey(operator.jwk), {
      algorithms: ["Ed25519"],
      typ: OPERATOR_TOKEN_TYP,
      issuer: operator.name,
      audience,
      currentDate: ctx.clock.now(),
      clockTolerance: ctx.config.skewSeconds,
      requiredClaims: ["exp", "iat", "jti", "iss", "aud"],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw new FrxError("auth.token-expired", "the token has expired");
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud")
      throw new FrxError("auth.token-audience", `the token's aud must be ${audience}`);
    throw new FrxError(
      "auth.token-invalid",
      `the token does not verify: ${(error as Error).message}`,
    );
  }
  if (payload.aud !== audience)
    throw new FrxError("auth.token-audience", `the token's aud must be exactly ${audience}`);
  const { iat, exp } = payload as { iat: number; exp: number };
  if (iat > ctx.clock.now().getTime() / 1000 + ctx.config.skewSeconds)
    throw new FrxError("auth.token-invalid", "the token's iat is in the future, beyond the skew");
  if (exp <= iat || exp - iat > OPERATOR_TOKEN_MAX_SECONDS)
    throw new FrxError(
      "auth.token-expired",
      `an operator token lives more than 0 and at most ${OPERATOR_TOKEN_MAX_SECONDS} s`,
    );
  await ctx.replay.use(`operator:${operator.name}`, String(payload.jti), exp * 1000, iat * 1000);
  return operator;
}
