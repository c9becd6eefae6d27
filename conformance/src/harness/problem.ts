import type { ErrorCode } from "@frx/spec";
import { check, same } from "./check.js";
import type { Reply } from "./http.js";

/** The HTTP status envelope.md's refusal table recommends for a code (a SHOULD; the code is the contract). */
export function recommendedStatus(code: string): number | undefined {
  if (code.startsWith("auth.token-")) return 401;
  if (code.startsWith("auth.")) return 403;
  if (code.startsWith("policy.")) return 422;
  if (code.startsWith("state.")) return 409;
  if (code.startsWith("jws.") || code.startsWith("schema.")) return 400;
  const table: Record<string, number> = {
    "envelope.payload-not-json": 400,
    "envelope.non-canonical": 400,
    "envelope.expired": 400,
    "envelope.not-yet-valid": 400,
    "envelope.signer-mismatch": 400,
    "request.malformed": 400,
    "request.not-found": 404,
    "attachment.not-found": 404,
    "request.method-not-allowed": 405,
    "idempotency.conflict": 409,
    "envelope.too-large": 413,
    "request.too-large": 413,
    "attachment.too-large": 413,
    "request.media-type": 415,
    "routing.recipient-unknown": 422,
    "attachment.digest-mismatch": 422,
    "internal.error": 500,
    "node.not-ready": 503,
  };
  return table[code];
}

export interface Problem {
  type: string;
  code: string;
  status?: number;
  title?: string;
  detail?: string;
  violations?: Array<{ pointer: string; code: string; message?: string }>;
}

/**
 * Asserts that `reply` is an RFC 9457 refusal with `code` (FRX-ENV-022): an error status,
 * media type application/problem+json, `code`, and `type` urn:frx:problem:<code>. A status
 * other than the recommended one is not a failure; it is returned as a warning.
 */
export function expectProblem(
  reply: Reply,
  code: ErrorCode,
  warn: (message: string) => void,
): Problem {
  check(
    reply.status >= 400,
    `expected a refusal with ${code}, got HTTP ${reply.status}: ${reply.text.slice(0, 300)}`,
  );
  const problem = reply.json<Problem>();
  same(
    problem.code,
    code,
    `problem code (HTTP ${reply.status}, detail ${JSON.stringify(problem.detail)})`,
  );
  same(problem.type, `urn:frx:problem:${code}`, "problem type");
  const mediaType = (reply.headers["content-type"] ?? "").split(";")[0]!.trim();
  same(mediaType, "application/problem+json", "problem media type");
  const recommended = recommendedStatus(code);
  if (recommended !== undefined && reply.status !== recommended)
    warn(`${code} answered with HTTP ${reply.status}; envelope.md recommends ${recommended}`);
  return problem;
}
