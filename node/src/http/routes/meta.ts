import { createHash, timingSafeEqual } from "node:crypto";
import { canonicalize, FrxError, signCompact } from "@frx/spec";
import { federationGauges } from "../../admin/federation-metrics.js";
import { Hono } from "hono";
import type { AppDeps, Env } from "../app.js";
import { nodeMetadata } from "../../domain/documents.js";
import { openApiDocument } from "../openapi.js";

const encoder = new TextEncoder();

/** Discovery and operations: signed metadata, OpenAPI, health, readiness, metrics. */
export function metaRoutes(deps: AppDeps): Hono<Env> {
  const { ctx } = deps;
  const app = new Hono<Env>();
  app.get("/.well-known/frx-node", async (c) => {
    const metadata = await nodeMetadata(ctx);
    return c.json({
      metadata,
      jws: signCompact(encoder.encode(canonicalize(metadata)), "frx-metadata+jws", ctx.signer),
    });
  });
  app.get("/openapi.json", (c) => c.json(openApiDocument(ctx.config.publicUrl)));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    const ready = deps.ready();
    return c.json(
      {
        status: ready.ok ? "ready" : "not-ready",
        checks: ready.checks,
        trustList: ready.trustList,
      },
      ready.ok ? 200 : 503,
    );
  });
  app.get("/metrics", async (c) => {
    const token = ctx.config.metricsToken;
    if (token !== undefined && !sameSecret(c.req.header("authorization") ?? "", `Bearer ${token}`))
      throw new FrxError(
        "auth.token-invalid",
        "/metrics needs the node's metrics token (FRX-ADM-013)",
      );
    const text = ctx.metrics.render() + (await federationGauges(ctx, false));
    return c.text(text, 200, { "content-type": "text/plain; version=0.0.4" });
  });
  return app;
}

/** Compares two secrets in constant time (their hashes, so lengths may differ). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
