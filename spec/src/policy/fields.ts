import type { MessageType, Sensitivity } from "../generated/codes.js";
import { sensitivityMap } from "../generated/messages.js";

export interface SensitiveField {
  /** JSON pointer into the envelope. */
  pointer: string;
  tags: readonly Sensitivity[];
}

/**
 * The sensitive fields present in a message: every instance location that matches a path
 * the schemas annotate with `x-frx-sensitivity`. A field is present when its value is not
 * undefined or null; array items match "*".
 *
 * @example sensitiveFields(message) // [{ pointer: "/body/persons/0/immigration/passportNumber", tags: ["immigration"] }]
 */
export function sensitiveFields(message: { type: MessageType } & object): SensitiveField[] {
  const out: SensitiveField[] = [];
  for (const entry of sensitivityMap[message.type] ?? []) {
    for (const pointer of locate(message, entry.path, 0, ""))
      out.push({ pointer, tags: entry.tags });
  }
  return out;
}

function locate(value: unknown, path: readonly string[], index: number, prefix: string): string[] {
  if (value === undefined || value === null) return [];
  if (index === path.length) return [prefix];
  const token = path[index]!;
  if (token === "*") {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, i) => locate(item, path, index + 1, `${prefix}/${i}`));
  }
  if (typeof value !== "object" || Array.isArray(value)) return [];
  if (!Object.prototype.hasOwnProperty.call(value, token)) return [];
  return locate(
    (value as Record<string, unknown>)[token],
    path,
    index + 1,
    `${prefix}/${escape(token)}`,
  );
}

function escape(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}
