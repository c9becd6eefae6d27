/** The HTTP status envelope.md's table gives the codes the stand-in node refuses with. */
export function statusOf(code: string): number {
  if (code.startsWith("auth.token-")) return 401;
  if (code.startsWith("auth.")) return 403;
  if (code.startsWith("state.") || code === "idempotency.conflict") return 409;
  if (code === "request.not-found") return 404;
  if (code === "request.rate-limited") return 429;
  if (code === "node.not-ready") return 503;
  if (code === "envelope.too-large" || code === "request.too-large") return 413;
  if (code === "request.media-type") return 415;
  if (
    code.startsWith("policy.") ||
    code === "routing.recipient-unknown" ||
    code === "attachment.digest-mismatch"
  )
    return 422;
  return 400;
}

/** An RFC 9457 problem document as a node sends it (FRX-ENV-022). */
export function problem(
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const status = statusOf(code);
  return new Response(
    JSON.stringify({ type: `urn:frx:problem:${code}`, code, status, title: code, detail }),
    { status, headers: { "content-type": "application/problem+json", ...headers } },
  );
}
