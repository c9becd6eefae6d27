import { FrxError, registryQueryOf } from "@frx/spec";
import { Hono } from "hono";
import type { AppContext } from "../../context.js";
import { agencyAuth, type Env } from "../app.js";
import { lookupRegistries } from "../../federation/registry-lookup.js";
import { RateLimitedError } from "../rate-limit.js";

/**
 * GET /v1/registry/lookup?registrationNumber=&issuer= — whether a legal entity is listed in
 * any member's sanctions registry: every member's answer as it signed it, or why there is
 * none (FRX-REG-003 to FRX-REG-007). Agencies of this node only: the lookup makes this node
 * call every peer, which a stranger must not be able to make it do.
 */
export function registryRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  // Each lookup costs one call to every peer: an agency has at most this many in flight.
  const inFlight = new Map<string, number>();
  app.use("/v1/registry/lookup", agencyAuth(ctx));
  app.get("/v1/registry/lookup", async (c) => {
    const query = registryQueryOf(new URL(c.req.url).searchParams);
    if (!query)
      throw new FrxError(
        "request.malformed",
        "a registry lookup names the legal entity: registrationNumber and issuer",
      );
    const agency = c.get("participant");
    const running = inFlight.get(agency) ?? 0;
    if (running >= MAX_LOOKUPS_IN_FLIGHT)
      throw new RateLimitedError(
        `${agency} has ${running} registry lookups under way; at most ${MAX_LOOKUPS_IN_FLIGHT} at a time`,
        1,
      );
    inFlight.set(agency, running + 1);
    try {
      return c.json(await lookupRegistries(ctx, query));
    } finally {
      const left = (inFlight.get(agency) ?? 1) - 1;
      if (left > 0) inFlight.set(agency, left);
      else inFlight.delete(agency);
    }
  });
  return app;
}

/** Lookups one agency may have under way at once (each waits on every peer). */
export const MAX_LOOKUPS_IN_FLIGHT = 2;
