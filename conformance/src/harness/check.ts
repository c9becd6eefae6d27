import { isDeepStrictEqual } from "node:util";

/** A failed conformance assertion: what the node did, against what the requirement says. */
export class ConformanceFailure extends Error {
  override readonly name = "ConformanceFailure";
}

/** Throws a ConformanceFailure unless `condition` holds. @example check(res.status === 201, "…") */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Deep equality with both values in the message. @example same(receipt.node, "TH", "receipt node") */
export function same(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected))
    throw new ConformanceFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Runs `fn` and fails with `what` if it throws, keeping its message. */
export async function holds<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConformanceFailure) throw error;
    const code = (error as { code?: unknown }).code;
    throw new ConformanceFailure(
      `${what}: ${(error as Error).message}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
}

export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Thrown when a test cannot be run against this node or kit; the run reports it as skipped. */
export class SkipTest extends Error {
  override readonly name = "SkipTest";
}
