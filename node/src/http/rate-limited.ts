import { FrxError } from "@frx/spec";

/**
 * A `request.rate-limited` refusal with the seconds after which the caller may try again, which
 * the problem response carries as `Retry-After` (FRX-ENV-035, FRX-FED-067).
 *
 * @example throw new RateLimitedError("too many refused envelopes from 127.0.0.1", 12)
 */
export class RateLimitedError extends FrxError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("request.rate-limited", message);
  }
}
