/** Where one person appears in a message body: each object whose `personRef` is theirs. */
export interface PersonEntry {
  /** JSON pointer into the body. */
  pointer: string;
  value: unknown;
}

const escape = (s: string): string => s.replaceAll("~", "~0").replaceAll("/", "~1");

/** True when any string in `value` is exactly `personRef`. */
export function namesPerson(value: unknown, personRef: string): boolean {
  if (value === personRef) return true;
  if (Array.isArray(value)) return value.some((v) => namesPerson(v, personRef));
  if (value !== null && typeof value === "object")
    return Object.values(value).some((v) => namesPerson(v, personRef));
  return false;
}

/**
 * The person's own entries of a body: every outermost object whose `personRef` is theirs
 * (a person, a consent, a remedy claim, a trafficking-status decision). Nothing else of the
 * body is returned: other persons' entries and free text stay out (FRX-DP-012).
 */
export function personEntries(body: unknown, personRef: string, pointer = ""): PersonEntry[] {
  if (Array.isArray(body))
    return body.flatMap((v, i) => personEntries(v, personRef, `${pointer}/${i}`));
  if (body === null || typeof body !== "object") return [];
  const record = body as Record<string, unknown>;
  if (record.personRef === personRef) return [{ pointer: pointer || "/", value: record }];
  return Object.entries(record).flatMap(([k, v]) =>
    personEntries(v, personRef, `${pointer}/${escape(k)}`),
  );
}

/** A personRef as the schemas write it (`pp_…`), else a TypeError (request.malformed). */
export function checkPersonRef(value: unknown): string {
  if (typeof value !== "string" || !/^pp_[A-Za-z0-9_-]{22,64}$/.test(value))
    throw new TypeError("personRef must be a pairwise pseudonym (pp_…)");
  return value;
}
