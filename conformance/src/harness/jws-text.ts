/** The payload of a compact JWS, decoded without verification (for matching, never for trust). */
export function payloadOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** One member of a JWS payload as text, or undefined when the payload cannot be read. */
export function memberOf(jws: string, name: string): string | undefined {
  try {
    const v = payloadOf(jws)[name];
    return v === undefined ? undefined : String(v);
  } catch {
    return undefined;
  }
}
