import {
  errorCodeValues,
  type ErrorCode,
  type FrxError,
  type Types,
  type Violation,
} from "@frx/spec";

/**
 * Codes only the SDK raises: faults on the client's side of the wire.
 *
 * @example if ((sdkErrorCodeValues as readonly string[]).includes(error.code)) retryLater()
 */
export const sdkErrorCodeValues = [
  "client.network",
  "client.timeout",
  "client.aborted",
  "client.closed",
  "client.receipt-invalid",
  "client.response-invalid",
  "client.node-mismatch",
] as const;

export type SdkErrorCode = (typeof sdkErrorCodeValues)[number];

/** Every code a `FrxClientError` can carry: the spec's codes (node refusals, local pre-checks) and the SDK's own. */
export type ClientErrorCode = ErrorCode | SdkErrorCode;

export interface FrxClientErrorOptions {
  /** The HTTP status, when the node answered. */
  status?: number;
  /** The RFC 9457 problem document the node sent. */
  problem?: Types.Problem;
  violations?: readonly Violation[];
  cause?: unknown;
  /** The signed envelope a failed submission was about. */
  submission?: FailedSubmission;
}

/**
 * The envelope a failed submission was about. When the failure leaves open whether the node
 * stored it (no answer, a timeout, a receipt that did not verify), submit `jws` again
 * unchanged with `client.submit` (FRX-API-010), never a re-signed copy.
 */
export interface FailedSubmission {
  messageId: string;
  jws: string;
}

/**
 * The one error class of the SDK. `code` is API (see the README's table); `message` is for
 * people. A node refusal carries the node's `status` and `problem`; a local pre-check carries
 * no status but the same code and JSON pointers the node would have sent.
 *
 * @example
 * try { await client.send(type, input) } catch (e) { if (isFrxClientError(e, "policy.firewall")) console.log(e.violations) }
 */
export class FrxClientError extends Error {
  override readonly name = "FrxClientError";
  readonly code: ClientErrorCode;
  readonly status: number | undefined;
  readonly problem: Types.Problem | undefined;
  readonly violations: readonly Violation[];
  /** Set on every error of a submission (`send`, `submit`, the referral helpers) once the envelope was signed. */
  readonly submission: FailedSubmission | undefined;

  constructor(code: ClientErrorCode, message: string, options: FrxClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.problem = options.problem;
    this.violations = options.violations ?? options.problem?.violations ?? [];
    this.submission = options.submission;
  }
}

/** @example if (isFrxClientError(err, "state.sequence-conflict")) await refresh() */
export function isFrxClientError(value: unknown, code?: ClientErrorCode): value is FrxClientError {
  return value instanceof FrxClientError && (code === undefined || value.code === code);
}

/** Whether a string is one of the spec's error codes. */
export function isSpecErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (errorCodeValues as readonly string[]).includes(value);
}

/** The SDK's view of a spec `FrxError` raised on this side (pre-check, verification). */
/** The same error, naming the envelope whose submission failed. */
export function withSubmission(
  error: FrxClientError,
  submission: FailedSubmission,
): FrxClientError {
  return new FrxClientError(error.code, error.message, {
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.problem ? { problem: error.problem } : {}),
    violations: error.violations,
    cause: error.cause,
    submission,
  });
}

export function fromSpecError(error: FrxError): FrxClientError {
  return new FrxClientError(error.code, error.message, {
    violations: error.violations,
    cause: error,
  });
}
