import { canonicalize, FrxError, registryQueryOf, signCompact } from "@frx/spec";
import { Hono } from "hono";
import type { AppContext } from "../../context.js";
import type { Env } from "../app.js";
import { directoryDocument } from "../../domain/documents.js";
import { signedRegistry } from "../../domain/registry-document.js";

const encoder = new TextEncoder();

/**
 * Public, unauthenticated documents, each signed by the node:
 * GET /v1/directory — participants, roles, mandates, keys, accepted types (no personal data);
 * GET /v1/registry — the public sanctions registry: legal entities and decisions only, whole or
 * for one legal entity (FRX-REG-001).
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
  // Peers' directories as this node holds them, each signed by its own node, so an agency can
  // verify a message from a foreign agency against the key the foreign node published for it.
  app.get("/v1/directories/:node", async (c) => {
    const node = c.req.param("node");
    if (node === ctx.config.node) {
      const doc = await directoryDocument(ctx);
      return c.json({
        directory: doc,
        jws: signCompact(encoder.encode(canonicalize(doc)), "frx-directory+jws", ctx.signer),
      });
    }
    const signed = await ctx.peers.signed(node);
    if (!signed)
      throw new FrxError("request.not-found", `this node holds no directory for ${node}`);
    return c.json(signed);
  });
  // The trust list in force (JWS general serialization), whose keys verify peers' directories.
  app.get("/v1/trust-list", (c) => {
    const trust = ctx.trust.list;
    if (!trust) throw new FrxError("request.not-found", "no trust list is applied at this node");
    return c.json({ version: trust.list.version, digest: trust.digest, trustList: trust.signed });
  });
  // Whole, or for one legal entity (?registrationNumber=&issuer=, FRX-REG-001, FRX-REG-002).
  app.get("/v1/registry", async (c) =>
    c.json(await signedRegistry(ctx, registryQueryOf(new URL(c.req.url).searchParams))),
  );
  return app;
}
