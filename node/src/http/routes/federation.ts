import { canonicalize, signCompact } from "@frx/spec";
import { Hono } from "hono";
import type { AppDeps, Env } from "../app.js";
import { limit, requireMediaType } from "../app.js";
import { directoryDocument } from "../../domain/documents.js";
import { receiveTransaction, receiveWake } from "../../federation/inbound.js";

const encoder = new TextEncoder();

/**
 * The federation API, for peer nodes:
 * PUT /federation/v1/transactions/:txnId — an encrypted, node-signed batch of envelopes;
 * POST /federation/v1/wake — a peer asks us to flush our outbox to it;
 * GET /federation/v1/directory — our signed directory, for peers to verify our agencies.
 */
export function federationRoutes(deps: AppDeps): Hono<Env> {
  const { ctx, ingest } = deps;
  const app = new Hono<Env>();
  const maxTxn =
    ctx.config.federation.batchSize * (ctx.config.limits.envelopeBytes + 64) * 1.4 + 8192;
  app.put("/federation/v1/transactions/:txnId", limit(Math.ceil(maxTxn)), async (c) => {
    requireMediaType(c, "application/jose");
    const reply = await receiveTransaction(
      ctx,
      ingest,
      c.req.param("txnId"),
      (await c.req.text()).trim(),
    );
    return c.json({ reply });
  });
  app.post("/federation/v1/wake", limit(8192), async (c) => {
    requireMediaType(c, "application/jose");
    return c.json({ woken: receiveWake(ctx, (await c.req.text()).trim()) });
  });
  app.get("/federation/v1/directory", async (c) => {
    const doc = await directoryDocument(ctx);
    return c.json({
      directory: doc,
      jws: signCompact(encoder.encode(canonicalize(doc)), "frx-directory+jws", ctx.signer),
    });
  });
  return app;
}
