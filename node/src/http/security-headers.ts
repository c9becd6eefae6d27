import type { MiddlewareHandler } from "hono";

/**
 * Security headers on every response, problems and 404s included (FRX-ADM-012). The policy
 * lets the operator console load its own script and style and nothing else.
 */
export function securityHeaders(https: boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("x-content-type-options", "nosniff");
    h.set("referrer-policy", "no-referrer");
    h.set("x-frame-options", "DENY");
    h.set(
      "content-security-policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    h.set("cross-origin-opener-policy", "same-origin");
    if (https) h.set("strict-transport-security", "max-age=31536000");
  };
}
