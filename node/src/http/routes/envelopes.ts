import { Hono } from "hono";
import type { AppDeps, Env } from "../app.js";
import { limit, requireMediaType } from "../app.js";

/**
 * POST /v1/envelopes — an agency submits a signed envelope (JWS compact, application/jose).
 * The envelope authenticates itself: no token is needed. 201 with the signed receipt once
 * stored; 200 with the same receipt for a duplicate.
 */
export function envelopeRoutes(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  // The limit applies to the JWS compact serialization; a little slack for trailing whitespace.
  app.post(
    "/v1/envelopes",
    limit(deps.ctx.config.limits.envelopeBytes + 16, "envelope.too-large"),
    async (c) => {
      requireMediaType(c, "application/jose");
      const jws = (await c.req.text()).trim();
      const result = await deps.ingest.submit(jws);
      return c.json(result, result.status === "accepted" ? 201 : 200);
    },
  );
  return app;
}
