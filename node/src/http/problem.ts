import {
  errorCodeDescriptions,
  isFrxError,
  problemType,
  type ErrorCode,
  type Violation,
} from "@frx/spec";
import type { Context } from "hono";
import { RateLimitedError } from "./rate-limit.js";

/**
 * HTTP status for each code: the status table of spec/envelope.md (FRX-API-005, checked by
 * test/http-status.test.ts); codes not listed are 400.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  "request.not-found": 404,
  "request.method-not-allowed": 405,
  "request.media-type": 415,
  "request.too-large": 413,
  "request.rate-limited": 429,
  "envelope.too-large": 413,
  "attachment.too-large": 413,
  "attachment.not-found": 404,
  "auth.token-missing": 401,
  "auth.token-invalid": 401,
  "auth.token-expired": 401,
  "auth.token-replayed": 401,
  "auth.token-audience": 401,
  "auth.participant-unknown": 403,
  "auth.participant-disabled": 403,
  "auth.forbidden": 403,
  "admin.key-in-use": 409,
  "dp.legal-hold": 409,
  "dp.key-in-use": 409,
  "dp.hold-unknown": 404,
  "dp.not-party": 403,
  "idempotency.conflict": 409,
  "attachment.offset-mismatch": 409,
  "state.sequence-conflict": 409,
  "state.referral-exists": 409,
  "state.transition-forbidden": 409,
  "state.remedy-currency-mismatch": 409,
  "state.remedy-amount-invalid": 409,
  "state.remedy-schedule-invalid": 409,
  "state.actor-forbidden": 409,
  "state.referral-unknown": 409,
  "policy.firewall": 422,
  "policy.immigration-recipient": 422,
  "policy.tier-exceeded": 422,
  "policy.purpose-mismatch": 422,
  "policy.consent-missing": 422,
  "policy.consent-scope": 422,
  "policy.consent-withheld": 422,
  "policy.consent-withdrawn": 422,
  "policy.override-invalid": 422,
  "policy.view-profile": 422,
  "policy.complainant-confidential": 422,
  "policy.suspect-channel": 422,
  "policy.evidence-channel": 422,
  "registry.issuer-mismatch": 403,
  "registry.power-missing": 403,
  "registry.not-issuer": 403,
  "policy.consent-person-missing": 422,
  "consent.not-obtainer": 422,
  "consent.unknown": 422,
  "case.not-party": 403,
  "routing.recipient-unknown": 422,
  "attachment.digest-mismatch": 422,
  "node.not-ready": 503,
  "trust.list-expired": 503,
  "trust.list-invalid": 400,
  "trust.quorum-not-met": 400,
  "trust.member-unknown": 401,
  "trust.member-suspended": 403,
  "trust.own-entry-mismatch": 400,
  "federation.not-destination": 421,
  "federation.undecryptable": 400,
  "federation.transaction-replayed": 400,
  "federation.transaction-conflict": 409,
  "federation.peer-unreachable": 502,
  "internal.error": 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  violations?: Violation[];
  instance?: string;
}

export function problemOf(
  code: ErrorCode,
  detail: string,
  violations: readonly Violation[] = [],
): Problem {
  const title = errorCodeDescriptions[code] ?? code;
  return {
    type: problemType(code),
    title,
    status: statusOf(code),
    detail,
    code,
    ...(violations.length > 0 ? { violations: [...violations] } : {}),
  };
}

/** The one place errors become HTTP responses. Anything not coded is a 500 that says nothing more. */
export function respondProblem(c: Context, error: unknown): Response {
  const problem = isFrxError(error)
    ? problemOf(error.code, error.message, error.violations)
    : problemOf("internal.error", "an internal error occurred; it has been logged");
  return c.body(JSON.stringify(problem), problem.status as 400, {
    "content-type": "application/problem+json",
    ...(error instanceof RateLimitedError
      ? { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterSeconds))) }
      : {}),
  });
}
