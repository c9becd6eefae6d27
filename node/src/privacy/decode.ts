/** The JSON payload of a compact JWS, without checking its signature (checked when it was stored). */
export function decodeCompactPayload(jws: string): Record<string, unknown> {
  const payload = jws.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
