import {
  assertSignature,
  DEFAULT_SKEW_SECONDS,
  importPublicKey,
  isFrxError,
  parseCompact,
  thumbprint,
  type PublicJwk,
} from "@frx/spec";

/** What the stand-in node expects of every agency token the client sends. */
export interface TokenExpectation {
  participant: string;
  node: string;
  key: PublicJwk;
}

/** A token the stand-in node judged: its jti, and what is wrong with it (first the node's code). */
export interface TokenVerdict {
  jti?: string;
  /** The problem code a node would refuse it with; undefined when the token is good. */
  code?: string;
  problems: string[];
}

const CLAIMS = ["aud", "exp", "iat", "iss", "jti"];
const JTI = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Judges one `Authorization` value at the instant it arrived (`nowMs`, the suite's clock):
 * form, header and signature with the client's key, claims exactly as api/agency-token.json
 * has them, `iss` and `aud`, `iat` within the clock skew of now, `exp` later than `iat` by at
 * most 300 s and not passed. Replay is judged by the caller, across the whole run.
 *
 * @example judgeToken(req.headers.authorization, expect, Date.now()).problems // []
 */
export function judgeToken(
  authorization: string | undefined,
  expect: TokenExpectation,
  nowMs: number,
): TokenVerdict {
  if (authorization === undefined)
    return { code: "auth.token-missing", problems: ["no Authorization header"] };
  if (!authorization.startsWith("Bearer "))
    return { code: "auth.token-invalid", problems: ["the Authorization header is not Bearer"] };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    const parsed = parseCompact(authorization.slice(7), "frx-agency+jwt");
    header = parsed.header;
    if (header.kid !== thumbprint(expect.key))
      return {
        code: "auth.token-invalid",
        problems: [`kid ${String(header.kid)} is not the client's key`],
      };
    assertSignature(parsed, importPublicKey(expect.key));
    claims = JSON.parse(Buffer.from(parsed.payload).toString("utf8")) as Record<string, unknown>;
  } catch (error) {
    const why = isFrxError(error) ? `${error.code}: ${error.message}` : String(error);
    return { code: "auth.token-invalid", problems: [`the token does not verify (${why})`] };
  }
  const problems: string[] = [];
  const extraHeader = Object.keys(header).filter((k) => !["alg", "typ", "kid"].includes(k));
  if (extraHeader.length > 0)
    problems.push(`header members not allowed: ${extraHeader.join(", ")}`);
  if (typeof claims !== "object" || claims === null || Array.isArray(claims))
    return { code: "auth.token-invalid", problems: ["the payload is not a JSON object"] };
  const names = Object.keys(claims).sort();
  if (names.join() !== CLAIMS.join())
    problems.push(`claims are ${names.join(", ")}; exactly ${CLAIMS.join(", ")} are required`);
  const { iss, aud, iat, exp, jti } = claims;
  if (iss !== expect.participant)
    problems.push(`iss is ${JSON.stringify(iss)}, not ${expect.participant}`);
  if (!(typeof jti === "string" && JTI.test(jti)))
    problems.push(`jti ${JSON.stringify(jti)} is not 1–64 base64url characters`);
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp))
    problems.push("iat and exp must be whole seconds (JSON integers)");
  let code: string | undefined = problems.length > 0 ? "auth.token-invalid" : undefined;
  if (aud !== expect.node) {
    problems.push(`aud is ${JSON.stringify(aud)}, not the string ${expect.node}`);
    code ??= "auth.token-audience";
  }
  if (typeof iat === "number" && typeof exp === "number") {
    const now = nowMs / 1000;
    if (iat > now + DEFAULT_SKEW_SECONDS) {
      problems.push(`iat is ${Math.round(iat - now)} s in the future`);
      code ??= "auth.token-invalid";
    }
    if (iat < now - DEFAULT_SKEW_SECONDS) {
      problems.push(
        `iat is ${Math.round(now - iat)} s old: the token was not minted for this call`,
      );
      code ??= "auth.token-invalid";
    }
    if (!(exp > iat && exp - iat <= 300)) {
      problems.push(`exp − iat is ${exp - iat} s; it must be 1 to 300`);
      code ??= "auth.token-expired";
    }
    if (exp <= now - DEFAULT_SKEW_SECONDS) {
      problems.push(`exp passed ${Math.round(now - exp)} s before the call`);
      code ??= "auth.token-expired";
    }
  }
  return { ...(typeof jti === "string" ? { jti } : {}), ...(code ? { code } : {}), problems };
}
