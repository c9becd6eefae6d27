import type { ErrorCode } from "./generated/codes.js";

/** One violation found by schema validation or policy: where, and which rule. */
export interface Violation {
  /** JSON pointer into the envelope (RFC 6901), e.g. `/body/persons/0/immigration/passportNumber`. */
  pointer: string;
  code: ErrorCode;
  message: string;
}

/**
 * The one error class for protocol and input faults. `code` is API (see docs/errors.md);
 * `message` is for people. Programmer mistakes throw `TypeError` instead.
 *
 * @example
 * try { await verifyEnvelope(jws, keys) } catch (e) { if (isFrxError(e)) console.log(e.code) }
 */
export class FrxError extends Error {
  override readonly name = "FrxError";
  readonly code: ErrorCode;
  readonly violations: readonly Violation[];

  constructor(code: ErrorCode, message: string, violations: readonly Violation[] = []) {
    super(message);
    this.code = code;
    this.violations = violations;
  }
}

/** @example if (isFrxError(err, "jws.kid-unknown")) refreshDirectory() */
export function isFrxError(value: unknown, code?: ErrorCode): value is FrxError {
  return value instanceof FrxError && (code === undefined || value.code === code);
}

/** The RFC 9457 `type` URI for a code. @example problemType("schema.invalid") */
export function problemType(code: ErrorCode): string {
  return `urn:frx:problem:${code}`;
}
