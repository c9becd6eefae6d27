import type { FrxNode } from "../node.js";

/**
 * One admin operation, defined once and reached two ways (FRX-ADM-002): over the admin API
 * while the node runs, and by the CLI on the store directly while it does not.
 */
export interface AdminOperation {
  name: string;
  method: "GET" | "POST" | "DELETE";
  /** Below /admin/api; `:param`s are taken from the input. */
  path: string;
  /** True when it changes state (its audit entry is written with the change). */
  changes: boolean;
  run(node: FrxNode, input: Record<string, unknown>, actor: string): Promise<unknown>;
}

/** The path of an operation with its `:param`s filled in from `input`, and the rest of the input. */
export function fillPath(
  op: AdminOperation,
  input: Record<string, unknown>,
): { path: string; rest: Record<string, unknown> } {
  const rest = { ...input };
  const path = op.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  return { path, rest };
}

/** A string member of an operation's input, or a TypeError naming it (mapped to request.malformed). */
export function str(input: Record<string, unknown>, name: string): string {
  const v = input[name];
  if (typeof v !== "string" || v.length === 0) throw new TypeError(`${name} must be a string`);
  return v;
}
