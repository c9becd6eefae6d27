import { errorCodeValues, isFrxError, problemType, type ErrorCode, type FrxError } from "@frx/spec";
import { fail } from "./target.js";

const KNOWN = new Set<string>(errorCodeValues);

/**
 * What the surfaces answered during the current run, by outcome ("accepted", an error code, an
 * HTTP status): the runner reports it, so a run that never reaches acceptance shows.
 */
export const outcomes = new Map<string, number>();

function count(outcome: string): void {
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
}

/**
 * A refused input must be refused with an FrxError whose code is in the spec's list (and, when
 * given, one of `allowed`). A TypeError, RangeError or stack overflow from outside input is a crash.
 */
export function expectCodedRefusal(error: unknown, allowed?: readonly ErrorCode[]): ErrorCode {
  if (!isFrxError(error)) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    fail(`refused without a spec code: ${what}`);
  }
  if (!KNOWN.has(error.code)) fail(`code ${error.code} is not in the spec's list`);
  if (allowed && !allowed.includes(error.code))
    fail(`code ${error.code} is not one of ${allowed.join(", ")}: ${error.message}`);
  return error.code;
}

/** Runs `fn`; a throw must be a coded refusal. Returns the value, or undefined when refused. */
export async function acceptedOrRefused<T>(
  fn: () => T | Promise<T>,
  allowed?: readonly ErrorCode[],
): Promise<{ ok: true; value: T } | { ok: false; code: ErrorCode; error: FrxError }> {
  try {
    const value = await fn();
    count("accepted");
    return { ok: true, value };
  } catch (error) {
    const code = expectCodedRefusal(error, allowed);
    count(code);
    return { ok: false, code, error: error as FrxError };
  }
}

/**
 * An HTTP answer to outside input: never 5xx; every 4xx is RFC 9457 problem+json whose `code`
 * is in the spec's list, whose `type` derives from it and whose `status` is the response's.
 */
export async function expectAnswer(res: Response): Promise<{ status: number; code?: ErrorCode }> {
  if (res.status >= 500) fail(`${res.status} ${await res.text().catch(() => "")}`.slice(0, 300));
  if (res.status < 400) {
    count(`http ${res.status}`);
    return { status: res.status };
  }
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) fail(`${res.status} with content-type ${type}`);
  const problem = (await res.json()) as { code?: string; type?: string; status?: number };
  if (!problem.code || !KNOWN.has(problem.code)) fail(`problem code ${problem.code} is unknown`);
  if (problem.type !== problemType(problem.code as ErrorCode))
    fail(`problem type ${problem.type} does not match ${problem.code}`);
  if (problem.status !== res.status) fail(`problem status ${problem.status} ≠ ${res.status}`);
  count(`http ${res.status} ${problem.code}`);
  return { status: res.status, code: problem.code as ErrorCode };
}
