import type { RetryOptions } from "./options.js";
import { parseHttpDate } from "./http-date.js";

/** Whether a status is worth another attempt of the same request: overload and server faults. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): the node's `Retry-After` when
 * it sent one, else exponential backoff capped at `maxMs` with "equal jitter" (half fixed,
 * half random) so that many clients do not retry in step.
 *
 * @example backoffMs(2, { attempts: 4, baseMs: 200, maxMs: 10_000 }, Math.random) // 400…800
 */
export function backoffMs(
  attempt: number,
  retry: RetryOptions,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date; undefined when
 * absent or unreadable.
 *
 * @example retryAfterMs("2", new Date()) // 2000
 */
export function retryAfterMs(value: string | string[] | undefined, now: Date): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === "") return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = parseHttpDate(text.trim(), now);
  return at === undefined ? undefined : Math.max(0, at - now.getTime());
}
