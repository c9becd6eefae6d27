import { compactVerify, decodeProtectedHeader } from "jose";
import {
  FrxError,
  isCanonicalBase64url,
  isFrxError,
  parseInstant,
  validateDocument,
  type Types,
} from "@frx/spec";
import type { AppContext } from "../../context.js";

export const AGENCY_TOKEN_TYP = "frx-agency+jwt";

type AgencyTokenClaims = Types.AgencyTokenClaims;
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Authenticates an agency API call, running the token checks of spec/agency-api.md in their
 * order (FRX-API-006): a JWT with typ frx-agency+jwt, alg Ed25519, signed by a key registered
 * for its `iss` participant, claims of api/agency-token.json, `aud` exactly this node's id (a
 * string, not an array), `iat` not beyond the skew ahead of now, a lifetime `exp - iat` above
 * zero and at most the node's limit (5 min), not expired, and a `jti` never seen before.
 * Returns the participant id.
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
  // Step 3: exactly alg, typ and kid (api/agency-token.json): no crit, jwk, x5u, … (FRX-SIG-003).
  try {
    validateDocument("api/agency-token.json#/$defs/header", header);
  } catch (error) {
    throw new FrxError(
      "auth.token-invalid",
      `the token's header is malformed: ${isFrxError(error) ? error.message : String(error)}`,
    );
  }
  const resolved =
    typeof header.kid === "string" ? await ctx.directory.resolveKey(header.kid) : undefined;
  if (!resolved)
    throw new FrxError("auth.token-invalid", "the token's kid names no registered key");
  const participant = await ctx.directory.get(resolved.owner);
  if (!participant)
    throw new FrxError("auth.participant-unknown", `${resolved.owner} is not registered here`);
  if (participant.status !== "active")
    throw new FrxError("auth.participant-disabled", `${participant.id} is disabled`);

  // Step 7: the signature, and nothing else yet; the claims are judged below, in the order of
  // agency-api.md (FRX-API-006), not in the order a JWT library happens to check them.
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(token, resolved.key, { algorithms: ["Ed25519"] }));
  } catch {
    throw new FrxError("auth.token-invalid", "the token's signature does not verify");
  }
  // Step 8: the claims' shape (api/agency-token.json: integer NumericDates, jti format, no
  // other claim) and iss the key's owner.
  let claims: AgencyTokenClaims;
  try {
    const payload = JSON.parse(decoder.decode(bytes)) as unknown;
    // `aud` has its own step and code (FRX-SIG-023): judged below, whatever its shape.
    const shaped =
      typeof payload === "object" && payload !== null && !Array.isArray(payload)
        ? { ...payload, aud: ctx.config.node }
        : payload;
    validateDocument<AgencyTokenClaims>("api/agency-token.json#/$defs/claims", shaped);
    claims = payload as AgencyTokenClaims;
  } catch (error) {
    const detail = isFrxError(error) ? error.message : "the payload is not JSON";
    throw new FrxError("auth.token-invalid", `the token's claims are malformed: ${detail}`);
  }
  if (claims.iss !== participant.id)
    throw new FrxError("auth.token-invalid", `the token's key belongs to ${participant.id}`);
  // Step 9. Missing, or an array even one holding the node, is refused (FRX-SIG-023).
  if ((claims.aud as unknown) !== ctx.config.node)
    throw new FrxError("auth.token-audience", `the token's aud must be exactly ${ctx.config.node}`);
  const { iat, exp } = claims;
  const nowSeconds = ctx.clock.now().getTime() / 1000;
  // Step 10 (FRX-SIG-028).
  if (iat > nowSeconds + ctx.config.skewSeconds)
    throw new FrxError("auth.token-invalid", "the token's iat is in the future, beyond the skew");
  // Step 11.
  if (exp <= iat) throw new FrxError("auth.token-expired", "the token's exp is not after its iat");
  if (exp - iat > ctx.config.tokenMaxSeconds) {
    throw new FrxError(
      "auth.token-expired",
      `a token may live at most ${ctx.config.tokenMaxSeconds} s`,
    );
  }
  // Step 12.
  if (exp <= nowSeconds - ctx.config.skewSeconds)
    throw new FrxError("auth.token-expired", "the token has expired");
  // Step 13.
  if (resolved.retiredAt && iat * 1000 > parseInstant(resolved.retiredAt)) {
    throw new FrxError("auth.token-invalid", "the token is signed with a retired key");
  }
  // Step 14.
  await ctx.replay.use(participant.id, claims.jti, exp * 1000, iat * 1000);
  return participant.id;
}
