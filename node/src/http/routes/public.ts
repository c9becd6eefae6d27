import { canonicalize, signCompact } from "@frx/spec";
import { Hono } from "hono";
import type { AppContext } from "../../context.js";
import type { Env } from "../app.js";
import type { RegistryEntryRecord } from "../../store/records.js";
import { directoryDocument } from "../../domain/documents.js";

const encoder = new TextEncoder();

/**
 * Public, unauthenticated documents, each signed by the node:
 * GET /v1/directory — participants, roles, mandates, keys, accepted types (no personal data);
 * GET /v1/registry — the public sanctions registry: legal entities and decisions only.
 */
export function publicRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.get("/v1/directory", async (c) => {
    const doc = await directoryDocument(ctx);
    return c.json({
      directory: doc,
      jws: signCompact(encoder.encode(canonicalize(doc)), "frx-directory+jws", ctx.signer),
    });
  });
  app.get("/v1/registry", async (c) => {
    const entries = (await ctx.store.range<RegistryEntryRecord>("registry")).map(
      ([, v]) => v.entry,
    );
    const doc = {
      frx: "1",
      node: ctx.config.node,
      issuedAt: ctx.clock.now().toISOString(),
      entries,
    };
    return c.json({
      registry: doc,
      jws: signCompact(encoder.encode(canonicalize(doc)), "frx-registry+jws", ctx.signer),
    });
  });
  return app;
}
