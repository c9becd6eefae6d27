import { Hono } from "hono";
import type { AppDeps, Env } from "../app.js";
import { requireMediaType } from "../app.js";
import { authenticateAgency } from "../auth/agency-token.js";
import { bodyText } from "../body.js";
import { refusalLimits } from "../rate-limit.js";

/**
 * POST /v1/envelopes — an agency submits a signed envelope (JWS compact, application/jose).
 * The envelope authenticates itself: no token is needed; one that is sent must be valid and
 * its participant must be the envelope's `from` (FRX-SIG-026). 201 with the signed receipt
 * once stored; 200 with the same receipt for a duplicate.
 */
export function envelopeRoutes(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.post("/v1/envelopes", async (c) => {
    // Size first, as a body limit would (413 before any other check). The limit applies to the
    // JWS compact serialization; a little slack for trailing whitespace.
    const body = await bodyText(c, deps.ctx.config.limits.envelopeBytes + 16, "envelope.too-large");
    requireMediaType(c, "application/jose");
    const authorization = c.req.header("authorization");
    const as = authorization ? await authenticateAgency(deps.ctx, authorization) : undefined;
    if (as) {
      c.set("participant", as);
      refusalLimits(deps.ctx).agencies.check(as, as);
    }
    const result = await deps.ingest.submit(body.trim(), as);
    return c.json(result, result.status === "accepted" ? 201 : 200);
  });
  return app;
}
